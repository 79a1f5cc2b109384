"""The one error word-vector files raise: its message names the problem and where it is."""


class VectorFileError(ValueError):
    """The file is not a valid word vector file of the expected format."""
