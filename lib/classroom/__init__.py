"""Class mode: a teacher and the room as one (issue 20). May import lib.core, lib.rules and
lib.quiz; never Streamlit, TensorFlow, lib.figures, lib.train, lib.site or lib.ui (lib.ui
imports this package, lib.figures does not).

- store: the interface every page codes against (errors, caps, records, ClassStore,
  open_store); base holds them without imports, so the modules below build on it;
- names: join codes, nicknames and secret keys, made and read back through whitelists;
- docstore: the semantics of a class (who may do what, caps, rate limit, versions) on four
  primitives a backend supplies;
- sqlite_store (the default: one file, WAL) and redis_store (several machines);
- runs: the class's run records, ranking and split-the-room groups, as plain data.
"""
