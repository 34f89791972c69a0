"""A trained model's answers: class probabilities for a batch of pictures, on
any backend."""

from lesson.startup import import_keras

import numpy as np


def to_numpy(tensor):
    """Any backend's tensor as a NumPy array.

    TensorFlow's own .numpy() where it has one: keras.ops.convert_to_numpy
    goes through an np.array() call that NumPy 2 warns about for its tensors.
    """
    keras = import_keras()
    if keras.backend.backend() == "tensorflow":
        return tensor.numpy()
    return keras.ops.convert_to_numpy(tensor)


def probability_model(model):
    """Step 10: the trained model followed by Softmax."""
    keras = import_keras()
    return keras.Sequential([model, keras.layers.Softmax()])


# Up to this many images are one batch: a web page's or predict.py's photos.
FEW_IMAGES = 64


def predict_probabilities(model, images):
    """Step 10 for the tools: one row of 10 class probabilities per image.

    The images are reshaped to the model's input: (N, 28, 28), or with a
    channel axis, (N, 28, 28, 1), for a convolutional network.
    """
    images = np.reshape(np.asarray(images, np.float32), (-1, *model.input_shape[1:]))
    if images.shape[0] <= FEW_IMAGES:
        # predict() sets up batching that costs ~100 ms; a direct call takes ~5 ms.
        return to_numpy(probability_model(model)(images, training=False))
    return probability_model(model).predict(images, verbose=0)
