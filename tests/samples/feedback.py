"""Samples of the notices feedback records: a named suggestion that asks for a meeting and to
be told it was received, taken through the team's steps by the service as Slack would; an
anonymous concern; a complaint about a team member, which goes to the HR officer; and a
compliment that may be shared."""

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
BRAM = "U0FACIL02"   # a facilitator, a team member feedback can be about


def _suggestion(world: SampleWorld) -> Submitted:
    return world.services.feedback.submit(FeedbackForm(
        kind=FeedbackKind.SUGGESTION, topic=FeedbackTopic.SESSION,
        text=world.typed("Could we have tea at the group? The kettle is broken."), anonymous=False,
        wants_meeting=True, wants_acknowledgement=True), FIN)


def _meeting_at(world: SampleWorld, *steps: MeetingStatus) -> None:
    sent = _suggestion(world)
    for step in steps:
        world.services.feedback.meeting_update(sent.case_id, ADA, step)


# -- the case, as the team sees it --------------------------------------------------------------
@sample(CaseNotice)
def case(world: SampleWorld) -> CaseNotice:
    _suggestion(world)
    return world.recorded(CaseNotice)


@sample(CaseNotice, state="anonymous")
def case_anonymous(world: SampleWorld) -> CaseNotice:
    world.services.feedback.submit(FeedbackForm(
        kind=FeedbackKind.CONCERN, topic=FeedbackTopic.SERVICE,
        text=world.typed("The stairs to the group room are hard for me."), anonymous=True), FIN)
    return world.recorded(CaseNotice)


@sample(CaseNotice, state="about a team member")
def case_about_team_member(world: SampleWorld) -> CaseNotice:
    world.services.feedback.submit(FeedbackForm(
        kind=FeedbackKind.COMPLAINT, topic=FeedbackTopic.TEAM_MEMBER, about_slack_id=BRAM,
        text=world.typed("Bram talked over me in the group."), anonymous=False), FIN)
    return world.recorded(CaseNotice)


@sample(CaseNotice, state="a compliment to share")
def case_testimony(world: SampleWorld) -> CaseNotice:
    world.services.feedback.submit(FeedbackForm(
        kind=FeedbackKind.COMPLIMENT, topic=FeedbackTopic.SESSION,
        text=world.typed("The group helps me every week."), anonymous=False,
        testimony_consent=True), FIN)
    return world.recorded(CaseNotice)


@sample(CaseNotice, state="acknowledged")
def case_acknowledged(world: SampleWorld) -> CaseNotice:
    world.services.feedback.acknowledge(_suggestion(world).case_id, ADA)
    return world.recorded(CaseNotice)


@sample(CaseNotice, state="with replies")
def case_with_replies(world: SampleWorld) -> CaseNotice:
    sent = _suggestion(world)
    world.services.feedback.reply_from_team(sent.case_id, ADA,
                                            world.typed("Thank you. We will buy a new kettle."))
    world.services.feedback.add_by_code(sent.code, FIN, world.typed("Green tea would be nice."))
    return world.recorded(CaseNotice)


@sample(CaseNotice, state="resolved")
def case_resolved(world: SampleWorld) -> CaseNotice:
    world.services.feedback.resolve(_suggestion(world).case_id, ADA)
    return world.recorded(CaseNotice)


# -- the meeting asked for, at each step --------------------------------------------------------
@sample(MeetingTask)
def meeting_task(world: SampleWorld) -> MeetingTask:
    _suggestion(world)
    return world.recorded(MeetingTask)


@sample(MeetingTask, state="acknowledged")
def meeting_task_acknowledged(world: SampleWorld) -> MeetingTask:
    _meeting_at(world, MeetingStatus.ACKNOWLEDGED)
    return world.recorded(MeetingTask)


@sample(MeetingTask, state="arranged")
def meeting_task_arranged(world: SampleWorld) -> MeetingTask:
    _meeting_at(world, MeetingStatus.ACKNOWLEDGED, MeetingStatus.ARRANGED)
    return world.recorded(MeetingTask)


@sample(MeetingTask, state="can't arrange")
def meeting_task_declined(world: SampleWorld) -> MeetingTask:
    _meeting_at(world, MeetingStatus.DECLINED)
    return world.recorded(MeetingTask)


# -- what the person who sent it is told ----------------------------------------------------------
@sample(StatusToSubmitter)
def status(world: SampleWorld) -> StatusToSubmitter:
    sent = _suggestion(world)
    world.services.feedback.acknowledge(sent.case_id, ADA)
    return world.recorded(StatusToSubmitter)


@sample(StatusToSubmitter, state="resolved")
def status_resolved(world: SampleWorld) -> StatusToSubmitter:
    world.services.feedback.resolve(_suggestion(world).case_id, ADA)
    return world.recorded(StatusToSubmitter)


@sample(TeamReply)
def team_reply(world: SampleWorld) -> TeamReply:
    sent = _suggestion(world)
    world.services.feedback.reply_from_team(sent.case_id, ADA,
                                            world.typed("Thank you. We will buy a new kettle."))
    return world.recorded(TeamReply)


@sample(MeetingStep)
def meeting_step(world: SampleWorld) -> MeetingStep:
    _meeting_at(world, MeetingStatus.ACKNOWLEDGED)
    return world.recorded(MeetingStep)


@sample(MeetingStep, state="arranged")
def meeting_step_arranged(world: SampleWorld) -> MeetingStep:
    _meeting_at(world, MeetingStatus.ACKNOWLEDGED, MeetingStatus.ARRANGED)
    return world.recorded(MeetingStep)


@sample(MeetingStep, state="can't arrange")
def meeting_step_declined(world: SampleWorld) -> MeetingStep:
    _meeting_at(world, MeetingStatus.DECLINED)
    return world.recorded(MeetingStep)


@sample(MoreWords)
def more_words(world: SampleWorld) -> MoreWords:
    sent = _suggestion(world)
    world.services.feedback.add_by_code(sent.code, FIN, world.typed("Green tea would be nice too."))
    return world.recorded(MoreWords)
