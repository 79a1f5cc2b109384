"""Connects the domain events of lower packages to the higher packages that act on them, once
per process at start-up (the app, `mireru worker`, CLI commands that run jobs, the tests).

This is the one place that says who reacts to what:
- project created    -> the default search space (MobileNetV2, ImageNet) for it
- items added        -> embed them into the spaces that follow uploads; keyword vectors of the
                        deployed keywords version
- version deployed   -> the keywords slot stores its output vectors for search by words
- embedding deployed -> the retrieval engine re-embeds the project (a hook: it returns a job id)
- deploy gate        -> embeddings scores embedding versions against the active space, predict
                        prediction versions against the deployed one (hooks: they return figures)
"""

from mireru import events
from mireru.embeddings import deploy_gate as embedding_gate
from mireru.embeddings import service as embeddings
from mireru.items.events import ItemsAdded
from mireru.predict import deploy_gate as prediction_gate
from mireru.projects.events import ProjectCreated
from mireru.registry import gate, reembed
from mireru.registry.events import VersionDeployed
from mireru.words import service as words


def _default_space(event: ProjectCreated) -> None:
    embeddings.on_project_created(event.session, event.settings, event.project)


def _embed_new_items(event: ItemsAdded) -> None:
    embeddings.follow_upload(event.session, event.settings, event.project_id, event.item_ids)


def _keyword_vectors_of_new_items(event: ItemsAdded) -> None:
    words.follow_upload(event.session, event.settings, event.project_id, event.item_ids)


def _keyword_vectors_of_deployed_version(event: VersionDeployed) -> None:
    if event.slot == words.KEYWORDS_SLOT:
        # Search by words compares against the version's output vectors per item: store them.
        words.queue_keyword_vectors(event.session, event.dispatcher, event.project_id, event.model_version_id)


def register() -> None:
    """Idempotent: subscribing the same listener again changes nothing."""
    events.subscribe(ProjectCreated, _default_space)
    events.subscribe(ItemsAdded, _embed_new_items)
    events.subscribe(ItemsAdded, _keyword_vectors_of_new_items)
    events.subscribe(VersionDeployed, _keyword_vectors_of_deployed_version)
    reembed.install_retrieval_engine(embeddings.start_reembedding)
    gate.install_measure("embedding", embedding_gate.measure)
    gate.install_measure("prediction", prediction_gate.measure)
