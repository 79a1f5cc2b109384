"""Annotations: label classes of a project, and an item's labels, keywords and boxes."""

from sqlalchemy import Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mireru.models.base import Base, Timestamped


class LabelClass(Timestamped, Base):
    __tablename__ = "label_classes"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    color: Mapped[str | None] = mapped_column(String(20))


class ItemLabel(Base):
    __tablename__ = "item_labels"
    __table_args__ = (Index("ix_item_labels_project_id_label_class_id", "project_id", "label_class_id"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    label_class_id: Mapped[int] = mapped_column(
        ForeignKey("label_classes.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    label_class: Mapped[LabelClass] = relationship(lazy="raise")


class ItemKeyword(Base):
    __tablename__ = "item_keywords"
    __table_args__ = (Index("ix_item_keywords_project_id_keyword", "project_id", "keyword"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    keyword: Mapped[str] = mapped_column(String(200), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)


class Box(Base):
    __tablename__ = "boxes"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), nullable=False, index=True
    )
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    label_class_id: Mapped[int] = mapped_column(
        ForeignKey("label_classes.id", ondelete="CASCADE"), nullable=False
    )
    x: Mapped[float] = mapped_column(Float, nullable=False)
    y: Mapped[float] = mapped_column(Float, nullable=False)
    w: Mapped[float] = mapped_column(Float, nullable=False)
    h: Mapped[float] = mapped_column(Float, nullable=False)
    label_class: Mapped[LabelClass] = relationship(lazy="raise")
