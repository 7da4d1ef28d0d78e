"""Enhancement jobs: the engine and its fair queue, what runs on a worker, durable records,
the Dask cluster with its TLS, and honest time-left estimates."""
