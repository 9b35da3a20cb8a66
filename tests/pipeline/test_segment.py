from framing.pipeline.segment import split_sentences

ARTICLE = """Russian Troops Leave Region, Officials Say
By Jane Doe, Associated Press

![Soldiers board a truck near the border.](https://example.com/a.jpg)
Soldiers board a truck. (AP Photo/Jane Doe)

MOSCOW (AP) \u2014 Gen. Ivan Petrov told the U.S. delegation on Feb. 3 that the troops would leave. \
\u201cWe have done our job,\u201d he said. The minister called it "a success." Critics disagreed."""


def sentences(text):
    return [text[s:e] for s, e in split_sentences(text)]


def test_real_article_layout():
    assert sentences(ARTICLE) == [
        "Russian Troops Leave Region, Officials Say",
        "By Jane Doe, Associated Press",
        "![Soldiers board a truck near the border.](https://example.com/a.jpg)",
        "Soldiers board a truck.",
        "(AP Photo/Jane Doe)",
        "MOSCOW (AP) \u2014 Gen. Ivan Petrov told the U.S. delegation on Feb. 3 that the troops would leave.",
        "\u201cWe have done our job,\u201d he said.",
        'The minister called it "a success."',
        "Critics disagreed.",
    ]


def test_offsets_are_str_offsets_end_exclusive():
    text = "\ufeffCaf\u00e9 \u201cso-called\u201d reforms. The U.S. agreed.\r\nNext line."
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["\ufeffCaf\u00e9 \u201cso-called\u201d reforms.", "The U.S. agreed.",
                                             "Next line."]
    assert all(not text[s].isspace() and not text[e - 1].isspace() for s, e in spans)


def test_quotation_ending_a_sentence():
    assert sentences('Sen. Smith asked: "Why now?" Nobody answered.') == ['Sen. Smith asked: "Why now?"',
                                                                         "Nobody answered."]


def test_empty_and_blank_text():
    assert split_sentences("") == []
    assert split_sentences("  \n\n ") == []
