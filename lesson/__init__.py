"""Support code for the lessons and tools of this repository.

The lessons (first_nn.py, first_cnn.py) keep the tutorial's own statements; what is not the
tutorial (checked data, quiet start-up, flags, figures, files) lives here.
Importing any module of this package prints nothing, writes nothing and does
not import TensorFlow; first it checks the Python version and the packages
(environment.check), and without them it ends the program with one line.
"""

from lesson.environment import check

check()
