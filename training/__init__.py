"""Building training data from HTML pages, training and evaluating boilerline models.

Run ``python -m boilerline.training --help`` for the commands.
"""

from .train import train_model

__all__ = ["train_model"]
