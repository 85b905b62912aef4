"""The words feedback is sorted by: kinds, topics, routes and states."""

from __future__ import annotations

import enum


class FeedbackKind(enum.StrEnum):
    COMPLIMENT = "compliment"
    SUGGESTION = "suggestion"
    COMPLAINT = "complaint"
    CONCERN = "concern"
    BETWEEN_PEOPLE = "between_people"


class FeedbackTopic(enum.StrEnum):
    SESSION = "session"
    SERVICE = "service"
    TEAM_MEMBER = "team_member"
    OTHER = "other"


class FeedbackRoute(enum.StrEnum):
    COORDINATORS = "coordinators"
    HR = "hr"


class FeedbackStatus(enum.StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class MeetingStatus(enum.StrEnum):
    NOT_ASKED = "not_asked"
    REQUESTED = "requested"
    ACKNOWLEDGED = "acknowledged"
    ARRANGED = "arranged"
    DECLINED = "declined"


KIND_WORDS: dict[FeedbackKind, str] = {
    FeedbackKind.COMPLIMENT: "Compliment",
    FeedbackKind.SUGGESTION: "Suggestion",
    FeedbackKind.COMPLAINT: "Complaint",
    FeedbackKind.CONCERN: "Concern",
    FeedbackKind.BETWEEN_PEOPLE: "Something between people",
}

TOPIC_WORDS: dict[FeedbackTopic, str] = {
    FeedbackTopic.SESSION: "A session",
    FeedbackTopic.SERVICE: "The service in general",
    FeedbackTopic.TEAM_MEMBER: "A team member",
    FeedbackTopic.OTHER: "Something else",
}

STATUS_WORDS: dict[FeedbackStatus, str] = {
    FeedbackStatus.NEW: "Received - waiting to be picked up",
    FeedbackStatus.ACKNOWLEDGED: "Being looked at",
    FeedbackStatus.RESOLVED: "Resolved",
}

MEETING_WORDS: dict[MeetingStatus, str] = {
    MeetingStatus.NOT_ASKED: "",
    MeetingStatus.REQUESTED: "Meeting asked for",
    MeetingStatus.ACKNOWLEDGED: "Meeting: someone on the team will be in touch",
    MeetingStatus.ARRANGED: "Meeting arranged",
    MeetingStatus.DECLINED: "Meeting: not possible this time",
}
