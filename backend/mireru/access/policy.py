"""The access policy: one table that says, for every route, who may call it.

Routes under /projects/{project_id} need a role on that project (a caller with none gets 404, so
other projects' ids reveal nothing; one with too low a role gets 403). A route missing from the
table falls back to the most restrictive sensible rule, and a test fails until it is listed.
"""

from dataclasses import dataclass
from typing import Literal

from mireru.access.roles import Role

Scope = Literal["public", "signed_in", "creator", "superuser", "project", "job"]


@dataclass(frozen=True)
class Rule:
    scope: Scope
    role: Role | None = None


PUBLIC = Rule("public")
SIGNED_IN = Rule("signed_in")
CREATOR = Rule("creator")  # a signed-in user or superuser, not a project-scoped API key
SUPERUSER = Rule("superuser")
JOB_VIEWER = Rule("job", Role.viewer)
VIEW = Rule("project", Role.viewer)
ANNOTATE = Rule("project", Role.annotator)
TRAIN = Rule("project", Role.trainer)
ADMIN = Rule("project", Role.admin)

P = "/api/v1/projects/{project_id}"

POLICY: dict[tuple[str, str], Rule] = {
    ("GET", "/api/v1/health"): PUBLIC,
    ("POST", "/api/v1/auth/login"): PUBLIC,
    ("POST", "/api/v1/auth/logout"): SIGNED_IN,
    ("GET", "/api/v1/auth/me"): SIGNED_IN,
    ("GET", "/api/v1/users"): SUPERUSER,
    ("POST", "/api/v1/users"): SUPERUSER,
    ("GET", "/api/v1/jobs/{job_id}"): JOB_VIEWER,
    ("GET", "/api/v1/training/kinds"): SIGNED_IN,
    # projects
    ("GET", "/api/v1/projects"): SIGNED_IN,
    ("POST", "/api/v1/projects"): CREATOR,
    ("POST", "/api/v1/projects/sample"): CREATOR,
    ("GET", "/api/v1/limits"): PUBLIC,
    ("GET", P): VIEW,
    ("PATCH", P): ADMIN,
    ("DELETE", P): ADMIN,
    ("GET", f"{P}/members"): ADMIN,
    ("PUT", f"{P}/members/{{user_id}}"): ADMIN,
    ("DELETE", f"{P}/members/{{user_id}}"): ADMIN,
    ("GET", f"{P}/api-keys"): ADMIN,
    ("POST", f"{P}/api-keys"): ADMIN,
    ("DELETE", f"{P}/api-keys/{{key_id}}"): ADMIN,
    # predictions and suggestions
    ("POST", f"{P}/predict/classify"): VIEW,
    ("POST", f"{P}/predict/detect"): VIEW,
    ("POST", f"{P}/predict/keywords"): VIEW,
    ("POST", f"{P}/predict/batch"): ANNOTATE,
    ("POST", f"{P}/predict/crops"): ANNOTATE,
    ("GET", f"{P}/suggestions"): VIEW,
    ("POST", f"{P}/suggestions/review"): ANNOTATE,
    # items and annotations
    ("GET", f"{P}/items"): VIEW,
    ("POST", f"{P}/items"): ANNOTATE,
    ("GET", f"{P}/items/{{item_id}}"): VIEW,
    ("PATCH", f"{P}/items/{{item_id}}"): ANNOTATE,
    ("DELETE", f"{P}/items/{{item_id}}"): ANNOTATE,
    ("POST", f"{P}/items/delete"): ANNOTATE,
    ("GET", f"{P}/items/{{item_id}}/neighbours"): VIEW,
    ("GET", f"{P}/fields"): VIEW,
    ("GET", f"{P}/items/{{item_id}}/image"): VIEW,
    ("GET", f"{P}/items/{{item_id}}/thumbnail"): VIEW,
    ("PUT", f"{P}/items/{{item_id}}/annotations"): ANNOTATE,
    ("PATCH", f"{P}/items/{{item_id}}/annotations"): ANNOTATE,
    ("POST", f"{P}/annotations/bulk"): ANNOTATE,
    ("GET", f"{P}/labels"): VIEW,
    ("POST", f"{P}/labels"): ANNOTATE,
    ("PATCH", f"{P}/labels/{{label_id}}"): ANNOTATE,
    ("DELETE", f"{P}/labels/{{label_id}}"): ANNOTATE,
    ("GET", f"{P}/keywords"): VIEW,
    ("GET", f"{P}/identities"): VIEW,
    ("GET", f"{P}/positive-pairs"): VIEW,
    ("POST", f"{P}/positive-pairs"): ANNOTATE,
    ("DELETE", f"{P}/positive-pairs/{{pair_id}}"): ANNOTATE,
    # datasets
    ("POST", f"{P}/imports"): ANNOTATE,
    ("GET", f"{P}/export"): VIEW,
    ("GET", f"{P}/jobs"): VIEW,
    # retrieval
    ("GET", f"{P}/spaces"): VIEW,
    ("POST", f"{P}/spaces"): TRAIN,
    ("GET", f"{P}/spaces/{{space_id}}"): VIEW,
    ("DELETE", f"{P}/spaces/{{space_id}}"): TRAIN,
    ("POST", f"{P}/spaces/{{space_id}}/activate"): TRAIN,
    ("POST", f"{P}/spaces/{{space_id}}/index"): TRAIN,
    ("POST", f"{P}/spaces/{{space_id}}/evaluate"): TRAIN,
    ("POST", f"{P}/search"): VIEW,
    ("POST", f"{P}/search/image"): VIEW,
    # word vectors and searching items by words
    ("GET", f"{P}/word-models"): VIEW,
    ("POST", f"{P}/word-models"): TRAIN,
    ("POST", f"{P}/word-models/import"): TRAIN,
    ("GET", f"{P}/word-models/{{word_model_id}}"): VIEW,
    ("DELETE", f"{P}/word-models/{{word_model_id}}"): TRAIN,
    ("POST", f"{P}/word-models/{{word_model_id}}/activate"): TRAIN,
    ("GET", f"{P}/words"): VIEW,
    ("GET", f"{P}/words/{{word}}/neighbours"): VIEW,
    ("POST", f"{P}/words/search"): VIEW,
    ("POST", f"{P}/search/words"): VIEW,
    # training and the model registry
    ("GET", f"{P}/training-runs"): VIEW,
    ("POST", f"{P}/training-runs"): TRAIN,
    ("POST", f"{P}/training-runs/preflight"): TRAIN,
    ("GET", f"{P}/training-runs/{{run_id}}"): VIEW,
    ("GET", f"{P}/training-runs/{{run_id}}/events"): VIEW,
    ("GET", f"{P}/training-runs/{{run_id}}/metrics"): VIEW,
    ("GET", f"{P}/training-runs/{{run_id}}/logs"): VIEW,
    ("POST", f"{P}/training-runs/{{run_id}}/resume"): TRAIN,
    ("POST", f"{P}/training-runs/{{run_id}}/cancel"): TRAIN,
    ("GET", f"{P}/models"): VIEW,
    ("GET", f"{P}/models/compare"): VIEW,
    ("GET", f"{P}/models/{{model_id}}"): VIEW,
    ("DELETE", f"{P}/models/{{model_id}}"): TRAIN,
    ("GET", f"{P}/models/{{model_id}}/download"): VIEW,
    ("GET", f"{P}/models/{{model_id}}/deploy-check"): TRAIN,
    ("POST", f"{P}/models/{{model_id}}/deploy"): TRAIN,
    ("POST", f"{P}/models/{{model_id}}/rollback"): TRAIN,
}


def rule_for(method: str, template: str) -> tuple[Rule, bool]:
    """The rule for a route and whether it was listed. Unlisted project routes may be read by
    viewers and changed only by project admins; other unlisted routes are superuser-only."""
    method = "GET" if method == "HEAD" else method
    listed = POLICY.get((method, template))
    if listed is not None:
        return listed, True
    if template.startswith(P):
        return (VIEW if method == "GET" else ADMIN), False
    return SUPERUSER, False
