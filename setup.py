"""Build the optional compiled feature loops; everything else is configured in pyproject.toml.

``boilerline.features._ccore`` is ``optional=True``: without a C compiler the install still
succeeds and the numpy implementation is used (``boilerline.features.BACKEND`` says which).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "boilerline.features._ccore",
            sources=["features/_ccore.c"],
            optional=True,
        )
    ]
)
