"""Training: the book's naive network, the engines that run it, the Keras quick start, the live
loop and its turns, metrics and the code text the training pages show. May import lib.rules and
lib.core (TensorFlow and Keras only through lib.core.tf); never lib.figures, lib.site or lib.ui."""
