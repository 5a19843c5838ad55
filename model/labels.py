"""The eight line labels of ``../shared/LABELS.md``, in the fixed order models use."""

LABELS = (
    "headline",
    "body",
    "caption",
    "ad shortcode",
    "tag",
    "related-link",
    "comment widget",
    "other",
)

#: Labels that make up the article; ``boilerline clean`` keeps these by default.
CONTENT_LABELS = ("headline", "body")
