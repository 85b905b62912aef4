"""Samples of the notices feedback records: a named suggestion that asks for a meeting and to
be told it was received, taken through the team's steps by the service as Slack would."""

from __future__ import annotations

from bot.rules.feedback import FeedbackForm
from bot.rules.feedback_words import FeedbackKind, FeedbackTopic, MeetingStatus
from bot.services.feedback import (
    CaseNotice,
    MeetingStep,
    MeetingTask,
    MoreWords,
    StatusToSubmitter,
    Submitted,
    TeamReply,
)
from tests.samples import SampleWorld, sample

FIN = "U0MEMBR06"    # a member, who sends it
ADA = "U0COORD01"    # a coordinator, who gets it


def _suggestion(world: SampleWorld) -> Submitted:
    return world.services.feedback.submit(FeedbackForm(
        kind=FeedbackKind.SUGGESTION, topic=FeedbackTopic.SESSION,
        text=world.typed("Could we have tea at the group? The kettle is broken."), anonymous=False,
        wants_meeting=True, wants_acknowledgement=True), FIN)


@sample(CaseNotice)
def case(world: SampleWorld) -> CaseNotice:
    _suggestion(world)
    return world.recorded(CaseNotice)


@sample(MeetingTask)
def meeting_task(world: SampleWorld) -> MeetingTask:
    _suggestion(world)
    return world.recorded(MeetingTask)


@sample(StatusToSubmitter)
def status(world: SampleWorld) -> StatusToSubmitter:
    sent = _suggestion(world)
    world.services.feedback.acknowledge(sent.case_id, ADA)
    return world.recorded(StatusToSubmitter)


@sample(TeamReply)
def team_reply(world: SampleWorld) -> TeamReply:
    sent = _suggestion(world)
    world.services.feedback.reply_from_team(sent.case_id, ADA,
                                            world.typed("Thank you. We will buy a new kettle."))
    return world.recorded(TeamReply)


@sample(MeetingStep)
def meeting_step(world: SampleWorld) -> MeetingStep:
    sent = _suggestion(world)
    world.services.feedback.meeting_update(sent.case_id, ADA, MeetingStatus.ACKNOWLEDGED)
    return world.recorded(MeetingStep)


@sample(MoreWords)
def more_words(world: SampleWorld) -> MoreWords:
    sent = _suggestion(world)
    world.services.feedback.add_by_code(sent.code, FIN, world.typed("Green tea would be nice too."))
    return world.recorded(MoreWords)
