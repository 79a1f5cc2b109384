"""The queue API: the durable jobs table (status, progress, heartbeat), the dispatcher that
enqueues on RQ after the request commits, and the runtime a job body sees inside a worker."""
