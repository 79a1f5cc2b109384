"""Background work on RQ: queues, enqueue-after-commit, the worker entrypoint and job runtime."""
