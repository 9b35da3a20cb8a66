"""Speaker turns of transcripts count as attributed quotations for voice."""

from framing.pipeline.transcripts import speaker_turns

TRANSCRIPT = ("NORTH LAS VEGAS — The exchange was testy.\n\nMr. Henry: Did you try to wipe the entire server?\n\n"
              "Mrs. Clinton: What? With a cloth or something?\n\nHANNITY: Thanks for being here.\n\nQ: Why now?\n\n"
              "She left soon after.")


def test_turns_run_from_the_label_to_the_end_of_the_paragraph():
    turns = [TRANSCRIPT[a:b] for a, b in speaker_turns(TRANSCRIPT)]
    assert turns == ["Mr. Henry: Did you try to wipe the entire server?",
                     "Mrs. Clinton: What? With a cloth or something?", "HANNITY: Thanks for being here.", "Q: Why now?"]


def test_furniture_credits_and_a_lone_headline_label_are_not_speakers():
    assert speaker_turns("UPDATE: The vote was moved.\n\nWATCH: the video.\n\nPHOTO: Reuters") == []
    assert speaker_turns("President Trump Photographer: AP\n\nSenator Amy Klobuchar Photographer: AP") == []
    assert speaker_turns("SCOOP: The senator will resign.\n\nHe told aides on Monday.") == []
    assert speaker_turns("Note: the mayor said: no.\n\nThe vote: 5 to 4.") == []
