"""Similar-item search over a project's active embedding space, combined with item filters."""
