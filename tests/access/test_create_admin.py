"""`mireru users create-admin` makes the first administrator; from then on everyone signs in."""

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mireru.access.secrets import check_password
from mireru.cli import app
from mireru.models import User


def test_create_admin_from_the_command_line(engine: Engine) -> None:
    runner = CliRunner()
    try:
        result = runner.invoke(app, ["users", "create-admin", "ada", "--password", "a long password"])
        assert result.exit_code == 0, result.output
        assert "created administrator 'ada'" in result.output
        with Session(engine) as session:
            user = session.scalars(select(User).where(User.username == "ada")).one()
            assert user.is_admin
            assert check_password("a long password", user.password_hash)
            assert "a long password" not in user.password_hash
        again = runner.invoke(app, ["users", "create-admin", "ada", "--password", "a long password"])
        assert again.exit_code == 2
        assert "already exists" in again.output
        short = runner.invoke(app, ["users", "create-admin", "bob", "--password", "short"])
        assert short.exit_code == 2
        assert "at least 8 characters" in short.output
    finally:
        # Other tests rely on the open single-user mode, which ends once a user exists.
        with engine.begin() as conn:
            conn.execute(delete(User).where(User.username.in_(["ada", "bob"])))
