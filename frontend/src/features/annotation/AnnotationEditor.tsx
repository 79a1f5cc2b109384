import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useReducer, useRef, useState } from 'react';
import type { Item, LabelClass } from '../../lib/api';
import { describeError } from '../../lib/errors';
import { addNotice } from '../../lib/notices';
import { useHotkeys, type KeyMap } from '../../lib/hotkeys';
import {
  addKeyword,
  fromItem,
  removeBox,
  removeKeyword,
  sameAnnotations,
  setIdentity,
  setSplit,
  toggleLabel,
  updateBox,
  type Annotations,
} from '../../lib/annotationState';
import { useModels } from '../models/api';
import { PositivePairsPanel } from '../pairs/PositivePairsPanel';
import { AskModels } from '../suggestions/AskModels';
import { useItemSuggestions } from '../suggestions/api';
import { SuggestionsPanel } from '../suggestions/SuggestionsPanel';
import {
  applySuggestions,
  deployedByKind,
  ghostsFromDetections,
  ghostsFromSuggestions,
  type SuggestedChange,
} from '../suggestions/suggestionView';
import { useAskModels } from '../suggestions/useAskModels';
import { saveAnnotations } from './api';
import { BoxCanvas } from './BoxCanvas';
import { BoxList } from './BoxList';
import { historyReducer, startHistory } from './history';
import { IdentityField } from './IdentityField';
import { ItemCrops } from './ItemCrops';
import { ItemDetails } from './ItemDetails';
import { ItemToolbar } from './ItemToolbar';
import { KeywordEditor } from './KeywordEditor';
import { LabelPicker } from './LabelPicker';
import { labelColor } from './labelColor';
import type { Neighbour, Place } from './neighbours';
import { SaveStatus } from './SaveStatus';
import { createSerialSaver, type SaveState } from './serialSaver';
import { classIndexForKey } from './shortcuts';
import { ShortcutHelp } from './ShortcutHelp';
import { SplitPicker } from './SplitPicker';
import { StageBar } from './StageBar';

interface Props {
  projectId: number;
  item: Item;
  classes: readonly LabelClass[];
  place: Place | null;
  total: number | null;
  backHref: string;
  onNavigate: (to: Neighbour) => void;
  /** The search page's link for items like this one. */
  similarHref?: string;
  /** For viewers: the annotations are shown, nothing can be changed. */
  readOnly?: boolean;
}

/** One item's annotation: every change is a step to undo and is saved at once (PUT, in order). */
export function AnnotationEditor({ projectId, item, classes, place, total, backHref, onNavigate, similarHref, readOnly = false }: Props) {
  const queryClient = useQueryClient();
  const [history, dispatch] = useReducer(historyReducer<Annotations>, item, (i) => startHistory(fromItem(i)));
  const a = history.present;
  // Answers from the server arrive later: they apply to the annotations as they are by then.
  const latest = useRef(a);
  latest.current = a;
  const [selectedRaw, setSelected] = useState<number | null>(null);
  const selected = selectedRaw !== null && selectedRaw < a.boxes.length ? selectedRaw : null;
  const [chosenClass, setChosenClass] = useState<string | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const [highlighted, setHighlighted] = useState<string | null>(null);
  const [saveState, setSaveState] = useState<SaveState>({ state: 'saved' });
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const [saver] = useState(() =>
    createSerialSaver(
      fromItem(item),
      (v) => saveAnnotations(queryClient, projectId, item.id, v),
      (state) => {
        setSaveState(state);
        // Stepped to another item meanwhile: say so where it will be seen.
        if (state.state === 'failed' && !mounted.current) {
          addNotice(`Changes to ${item.filename} were not saved: ${describeError(state.error)}`, `/projects/${projectId}/items/${item.id}`);
        }
      },
      sameAnnotations,
    ),
  );
  useEffect(() => saver.save(a), [a, saver]);
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (saver.busy()) event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [saver]);

  const names = [...new Set([...classes.map((c) => c.name), ...a.labels, ...a.boxes.map((b) => b.label)])];
  const drawLabel = readOnly ? null : (chosenClass ?? names[0] ?? null);
  const colorOf = (label: string) => labelColor(label, classes.find((c) => c.name === label)?.color);
  const change = (next: Annotations) => {
    if (!readOnly) dispatch({ type: 'commit', next });
  };

  const size = { width: item.width, height: item.height };
  const models = useModels(projectId);
  const suggestions = useItemSuggestions(projectId, item.id);
  const asked = useAskModels(projectId, item.id);
  const detections = asked.answers.detector?.status === 'done' ? asked.answers.detector.data : null;
  const ghosts = [
    ...ghostsFromSuggestions(suggestions.data?.suggestions ?? [], a, size),
    ...ghostsFromDetections(detections, a, size),
  ];
  const addSuggested = (changes: readonly SuggestedChange[]) => change(applySuggestions(latest.current, changes, size));

  const pick = (label: string) => {
    setChosenClass(label);
    change(selected !== null ? updateBox(a, selected, { label }) : toggleLabel(a, label));
  };
  const deleteSelected = () => {
    if (selected === null) return;
    change(removeBox(a, selected));
    setSelected(null);
  };
  const next = () => place?.next && onNavigate(place.next);
  const prev = () => place?.prev && onNavigate(place.prev);

  const keys: KeyMap = {
    ArrowRight: next,
    n: next,
    ArrowLeft: prev,
    p: prev,
    'mod+z': () => dispatch({ type: 'undo' }),
    'mod+shift+z': () => dispatch({ type: 'redo' }),
    'mod+y': () => dispatch({ type: 'redo' }),
    Delete: deleteSelected,
    Backspace: deleteSelected,
    Escape: () => setSelected(null),
    '?': () => setHelpOpen(true),
  };
  for (let key = 0; key <= 9; key += 1) {
    keys[String(key)] = () => {
      const label = names[classIndexForKey(String(key)) ?? -1];
      if (label) pick(label);
    };
  }
  useHotkeys(keys, !helpOpen);

  return (
    <div className="item-page">
      <ItemToolbar
        backHref={backHref}
        filename={item.filename}
        index={place?.index ?? null}
        total={total}
        prev={place?.prev ?? null}
        next={place?.next ?? null}
        onNavigate={onNavigate}
        canUndo={history.past.length > 0}
        canRedo={history.future.length > 0}
        onUndo={() => dispatch({ type: 'undo' })}
        onRedo={() => dispatch({ type: 'redo' })}
        onHelp={() => setHelpOpen(true)}
        similarHref={similarHref}
        status={<SaveStatus state={saveState} onRetry={() => saver.retry()} />}
      />
      <div className="item-body">
        <div className="item-stage">
          <StageBar names={names} drawLabel={drawLabel} onDrawLabel={setChosenClass} selected={selected} onDelete={deleteSelected} />
          <BoxCanvas
            imageUrl={item.image_url}
            alt={item.filename}
            image={{ width: item.width, height: item.height }}
            boxes={a.boxes}
            selected={selected}
            drawLabel={drawLabel}
            colorOf={colorOf}
            onSelect={setSelected}
            onCommit={(boxes, index) => {
              change({ ...a, boxes });
              setSelected(index);
            }}
            ghosts={ghosts}
            highlighted={highlighted}
          />
        </div>
        <aside className="item-panel" aria-label="Annotations">
          {readOnly ? (
            <p className="read-only-note small" role="note">
              View only: changing annotations needs the annotator role on this project.
            </p>
          ) : null}
          <section className="panel-section" aria-labelledby="suggestions-title">
            <h2 id="suggestions-title">Suggestions</h2>
            <SuggestionsPanel
              projectId={projectId}
              itemId={item.id}
              models={models.data?.models ?? []}
              readOnly={readOnly}
              onAccepted={addSuggested}
              onHighlight={setHighlighted}
            />
            <AskModels
              projectId={projectId}
              ask={asked}
              deployed={deployedByKind(models.data?.models ?? [])}
              annotations={a}
              image={size}
              readOnly={readOnly}
              onAdd={addSuggested}
              onHighlight={setHighlighted}
            />
          </section>
          <fieldset className="plain-fieldset" disabled={readOnly}>
          <LabelPicker
            projectId={projectId}
            names={names}
            itemLabels={a.labels}
            boxSelected={selected !== null}
            colorOf={colorOf}
            onPick={pick}
            onCreated={setChosenClass}
          />
          <BoxList
            boxes={a.boxes}
            classes={names}
            selected={selected}
            onSelect={setSelected}
            onLabel={(i, label) => change(updateBox(a, i, { label }))}
            onDelete={(i) => {
              change(removeBox(a, i));
              setSelected(null);
            }}
          />
          <KeywordEditor
            projectId={projectId}
            keywords={a.keywords}
            onAdd={(k) => change(addKeyword(a, k))}
            onRemove={(k) => change(removeKeyword(a, k))}
          />
          <IdentityField projectId={projectId} identity={a.identity} onChange={(v) => change(setIdentity(a, v))} />
          <SplitPicker split={a.split} onChange={(s) => change(setSplit(a, s))} />
          </fieldset>
          <PositivePairsPanel projectId={projectId} itemId={item.id} readOnly={readOnly} />
          <ItemCrops projectId={projectId} item={item} />
          <ItemDetails item={item} />
        </aside>
      </div>
      <ShortcutHelp open={helpOpen} onClose={() => setHelpOpen(false)} />
    </div>
  );
}
