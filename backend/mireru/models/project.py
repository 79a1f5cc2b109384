"""Projects: the tenant boundary. Every table holding project data carries project_id."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from mireru.models.base import Base, Timestamped


class Project(Timestamped, Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    description: Mapped[str] = mapped_column(String(2000), default="", nullable=False)
