"""Process plumbing: the data loader, Python's parser behind one lock, source text,
units, server housekeeping, the owner of TensorFlow. Imports no other package of lib."""
