"""The shape rules of Chapter 2 and the sentences that explain them: NumPy and the
standard library only (and lib.core). Never imports figures, train, site, quiz or ui."""
