"""The JSON API's request and response schemas (Pydantic), held to the result dataclasses by a contract test
(``tests/test_voice.py``): the OpenAPI schema of ``framing serve`` is built from these."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AnalyzeRequest(BaseModel):
    text: str = Field(description="the draft, as plain text")
    sensitivity: float = Field(0.0, ge=-1.0, le=1.0,
                               description="-1 (fewer, surer flags) to 1 (more flags); 0 uses the tuned thresholds")


class SpanOut(BaseModel):
    start: int = Field(description="character offset into the text (Python str offsets)")
    end: int = Field(description="end offset, exclusive")
    text: str
    label: str
    score: float
    sentence: int = Field(description="index into sentences")
    voice: str = Field("writer", description="'writer' (the writer's own words) or 'quoted' (inside an "
                       "attributed quotation)")


class SentenceOut(BaseModel):
    start: int
    end: int
    text: str
    bias: float = Field(description="probability that the sentence reads as biased")
    biased: bool
    labels: list[str] = Field(description="the span labels flagged inside the sentence")
    sentence_scores: dict[str, float] = Field(description="probability of every sentence label")
    sentence_labels: list[str] = Field(description="the sentence labels at or above their thresholds")
    voice: str = Field("writer", description="'quoted' when most of the sentence is inside quotations "
                       "attributed to a source, else 'writer'")


class DocumentResultOut(BaseModel):
    sentences: list[SentenceOut]
    spans: list[SpanOut]
    thresholds: dict[str, float] = Field(description="the thresholds the flags were decided at")


class LabelOut(BaseModel):
    name: str
    description: str
    threshold: float


class LabelsOut(BaseModel):
    span_labels: list[LabelOut]
    sentence_labels: list[LabelOut]
    bias_label: str | None  # the sentence label results report as bias/biased (framing.labels.bias_label)
    version: str


class ExtractOut(BaseModel):
    text: str
