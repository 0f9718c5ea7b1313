"""The site's declarations: which pages exist, their settings and links, the lesson plan.
Pure data; may import lib.core, lib.rules, lib.quiz and lib.train's constants, never lib.ui."""
