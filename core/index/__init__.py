"""The corpus index: a corpus clustered and analysed once, on disk, read a story at a time.

* :mod:`~parallax.core.index.schema`: the versioned Parquet schema (plain Python, no pyarrow);
* :mod:`~parallax.core.index.records`: core models to index rows and back, exactly;
* :mod:`~parallax.core.index.store`: the atomic writer and the reader;
* :mod:`~parallax.core.index.steps`: the per-partition steps both engines run;
* :mod:`~parallax.core.index.build`: ``build_index`` and the local engine;
* :mod:`~parallax.core.index.dask_engine`: the same steps as Dask tasks over partitions;
* :mod:`~parallax.core.index.update`: ``--update``, re-signing only what is new.

pyarrow, dask and distributed (the ``scale`` extra) are imported only when an index is built or
read, so the rest of Parallax works without them.
"""
