import { ROLES, ROLE_WORDS, type Role } from '../../lib/roles';

interface Props {
  label: string;
  value: Role;
  onChange: (role: Role) => void;
  disabled?: boolean;
  hideLabel?: boolean;
}

export function RoleSelect({ label, value, onChange, disabled, hideLabel }: Props) {
  return (
    <label className={hideLabel ? 'inline-field' : 'field'}>
      <span className={hideLabel ? 'visually-hidden' : undefined}>{label}</span>
      <select value={value} disabled={disabled} onChange={(e) => onChange(ROLES.find((r) => r === e.target.value) ?? 'viewer')}>
        {ROLES.map((r) => (
          <option key={r} value={r} title={ROLE_WORDS[r]}>
            {r}
          </option>
        ))}
      </select>
    </label>
  );
}
