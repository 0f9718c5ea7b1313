"""Running Tensor Lab: launch (start one server and wait for it) and serve (a course's
replicas behind HAProxy). Standard library only: no streamlit, no TensorFlow."""
