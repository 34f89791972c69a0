"""Scores from true and predicted labels: the confusion matrix, accuracy per
class, the mistakes the model was surest of, and which examples a figure shows."""

import numpy as np


def pick_examples(predicted_labels, true_labels, count=15, mistakes=5):
    """Indices of the first test images, with the first few mistakes mixed in."""
    wrong = np.flatnonzero(predicted_labels != true_labels)[:mistakes]
    right = np.flatnonzero(predicted_labels == true_labels)[: count - len(wrong)]
    return np.sort(np.concatenate([right, wrong]))


def most_confident_mistakes(probabilities, true_labels, count=10):
    """Indices of wrong predictions, the most confident first."""
    predicted = np.argmax(probabilities, axis=1)
    wrong = np.flatnonzero(predicted != np.asarray(true_labels))
    confidence = probabilities[wrong, predicted[wrong]]
    return wrong[np.argsort(-confidence, kind="stable")][:count]


def confusion_matrix(true_labels, predicted_labels, classes=10):
    """counts[i, j]: test images of class i that the model called class j."""
    pairs = np.asarray(true_labels, np.int64) * classes + np.asarray(predicted_labels)
    return np.bincount(pairs, minlength=classes * classes).reshape(classes, classes)


def per_class_accuracy(true_labels, predicted_labels, classes=10, missing=0.0):
    """Accuracy within each class: the share of its images called by its own
    name; `missing` for a class with no images."""
    counts = confusion_matrix(true_labels, predicted_labels, classes)
    shown = counts.sum(axis=1)
    return np.where(shown > 0, np.diag(counts) / np.maximum(shown, 1), missing)
