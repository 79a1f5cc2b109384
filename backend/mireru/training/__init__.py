"""Training runs: start one on the `training` queue, follow it live, cancel it, survive workers
that die; a successful run registers a model version."""
