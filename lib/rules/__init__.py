"""The shape rules of Chapter 2 and the sentences that explain them. May import NumPy, the
standard library and lib.core; never lib.figures, lib.train, lib.site, lib.quiz or lib.ui."""

# The book's batch size: the notebook cuts train_images into batches of 128 (its BatchGenerator,
# its fit and the quick start's model.fit). Every default, example and sentence that means the
# book's batch uses this one number.
BOOK_BATCH_SIZE = 128
