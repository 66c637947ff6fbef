"""Pipeline: running evaluations at scale (streamed JSON today; papermill, batch and Dask later)."""
