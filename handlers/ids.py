"""Every Slack id Coprod registers, in one place: the manifest test reads these."""

from __future__ import annotations

import enum


class SlashCommand(enum.StrEnum):
    COPROD = "/coprod"
    FEEDBACK = "/feedback"
    SESSIONS = "/sessions"
    INCIDENT = "/incident"
    MEETINGS = "/meetings"
    INVOLVE = "/involve"


class CoprodAction(enum.StrEnum):
    """The words after /coprod."""

    HELP = "help"
    WHOAMI = "whoami"
    DELIVERIES = "deliveries"
    SIGNPOST = "signpost"
    MYDATA = "mydata"
    FORGET = "forget"
    CONSENT = "consent"
    PROFILE = "profile"        # how we reach you; coordinators: someone's, with their agreement


class InvolveAction(enum.StrEnum):
    """The words after /involve."""

    OVERVIEW = ""              # opportunities open to you, and what you've agreed to
    HELP = "help"
    NEW = "new"                # a coordinator posts an opportunity
    STORIES = "stories"        # coordinators: what may still be used
    POLICIES = "policies"      # policies to read and agree to
    PUBLISH = "publish"        # a coordinator publishes a policy or a new version
    INDUCTION = "induction"    # coordinators: who is missing what
    CLAIM = "claim"            # claim expenses or the agreed fee
    CLAIMS = "claims"          # coordinators: claims to approve
    DECLARE = "declare"        # a relationship or a gift offered
    LEAVING = "leaving"        # say you're stepping back: the exit conversation


class CallbackId(enum.StrEnum):
    FEEDBACK_FORM = "feedback_form"
    FEEDBACK_REPLY = "feedback_reply"
    SESSION_FORM = "session_form"
    INCIDENT_FORM = "incident_form"
    INCIDENT_NOTE = "incident_note"
    INCIDENT_RECORD = "incident_record"        # the record: chronology and what to do next
    INCIDENT_OUTCOME = "incident_outcome"      # resolving asks for the outcome
    INCIDENT_REOPEN = "incident_reopen"
    INCIDENT_S42 = "incident_s42"              # the three Care Act s42 questions
    INCIDENT_FOLLOW_UP = "incident_follow_up"
    INCIDENT_SERIOUS = "incident_serious"      # marking it possibly serious for the charity
    CHARITY_DECISION = "charity_decision"      # the trustees' decision on reporting it
    BREACH_OUTCOME = "breach_outcome"          # a breach follow-up's outcome
    TEXT_REPLY = "text_reply"
    MEETING_FORM = "meeting_form"
    AGENDA_FORM = "agenda_form"
    PRESENT_FORM = "present_form"
    RECORD_ANSWER_FORM = "record_answer_form"
    # expenses and declarations
    CLAIM_FORM = "claim_form"
    CLAIM_QUESTION_FORM = "claim_question_form"
    CLAIM_ANSWER_FORM = "claim_answer_form"
    DECLARATION_FORM = "declaration_form"
    # involvement opportunities
    OPPORTUNITY_FORM = "opportunity_form"
    TAKE_LESS_FORM = "take_less_form"          # how much of the payment to take
    STORY_USE_FORM = "story_use_form"          # a coordinator records a use of a story
    EXIT_FORM = "exit_form"                    # the exit conversation, anonymous if wanted
    # policies and induction
    POLICY_FORM = "policy_form"
    # communication profiles: my own, someone's (a coordinator), and choosing whose
    PROFILE_FORM = "profile_form"
    PROFILE_FOR_FORM = "profile_for_form"
    PROFILE_PICK_FORM = "profile_pick_form"


class Shortcut(enum.StrEnum):
    REPORT_MESSAGE = "report_message"


class BlockId(enum.StrEnum):
    FB_KIND = "feedback_kind"
    FB_TOPIC = "feedback_topic"
    FB_ABOUT = "feedback_about"
    FB_TEXT = "feedback_text"
    FB_IDENTITY = "feedback_identity"
    FB_NAMED_OPTIONS = "feedback_named_options"
    FB_TESTIMONY = "feedback_testimony"
    FB_REPLY_TEXT = "feedback_reply_text"
    FB_CASE_ACTIONS = "feedback_case_actions"
    FB_MEETING_ACTIONS = "feedback_meeting_actions"
    SS_TITLE = "session_title"
    SS_KIND = "session_kind"
    SS_DAY = "session_day"
    SS_START = "session_start"
    SS_END = "session_end"
    SS_PLACE = "session_place"
    SS_CHANNEL = "session_channel"
    SS_NEEDED = "session_needed"
    SS_TRAINED = "session_trained"
    SS_PLACES = "session_places"
    SS_CAPACITY = "session_capacity"
    SS_REPEAT = "session_repeat"
    SESSION_ACTIONS = "session_actions"
    SESSION_LIST_ACTIONS = "session_list_actions"
    IN_GUIDANCE = "incident_guidance"
    IN_KIND = "incident_kind"
    IN_SEVERITY = "incident_severity"
    IN_SESSION = "incident_session"
    IN_PEOPLE = "incident_people"
    IN_WHAT = "incident_what"
    IN_DONE = "incident_done"
    IN_DANGER = "incident_danger"
    IN_NOTE = "incident_note"
    IN_ACTIONS = "incident_actions"
    IN_RECORD_ACTIONS = "incident_record_actions"
    IN_REOPEN_WHY = "incident_reopen_why"
    OC_DONE = "outcome_done"
    OC_SPOKEN = "outcome_spoken"
    OC_WISHES = "outcome_wishes"
    OC_DECISION = "outcome_decision"
    OC_REASONS = "outcome_reasons"
    OC_REFERRALS = "outcome_referrals"
    OC_REFERENCES = "outcome_references"
    FU_WHAT = "follow_up_what"
    FU_WHO = "follow_up_who"
    FU_BY = "follow_up_by"
    S42_Q1 = "s42_care_needs"
    S42_Q2 = "s42_abuse_or_neglect"
    S42_Q3 = "s42_cannot_protect"
    S42_DECISION = "s42_decision"
    S42_REASONS = "s42_reasons"
    S42_REFERENCE = "s42_reference"
    SI_HARMS = "serious_harms"
    SI_ACTIONS = "serious_actions"
    CD_DECISION = "charity_decision"
    CD_REPORTED_ON = "charity_reported_on"
    CD_REFERENCE = "charity_reference"
    CD_REASON = "charity_reason"
    BR_ACTIONS = "breach_actions"
    BR_OUTCOME = "breach_outcome"
    BR_NOTE = "breach_note"
    TX_REPLY_TEXT = "text_reply_text"
    MT_TITLE = "meeting_title"
    MT_KIND = "meeting_kind"
    MT_DAY = "meeting_day"
    MT_START = "meeting_start"
    MT_END = "meeting_end"
    MT_PLACE = "meeting_place"
    MT_CHANNEL = "meeting_channel"
    MT_INVITED = "meeting_invited"
    MT_REPEAT = "meeting_repeat"
    MT_ACTIONS = "meeting_actions"
    # Going / Can't make it in a list (/meetings, App Home): a click redraws the list.
    MT_LIST_ACTIONS = "meeting_list_rsvp"
    AG_MEETING = "agenda_meeting"
    AG_TEXT = "agenda_text"
    AG_ANONYMOUS = "agenda_anonymous"
    PR_SUBJECT = "present_subject"
    RA_MEMBER = "record_answer_member"
    RA_GOING = "record_answer_going"
    # expenses and declarations
    CL_WORK = "claim_work"
    CL_KIND = "claim_kind"
    CL_AMOUNT = "claim_amount"
    CL_WHAT = "claim_what"
    CL_QUESTION = "claim_question_text"
    CL_ANSWER = "claim_answer_text"
    DC_KIND = "declaration_kind"
    DC_OTHER = "declaration_other"
    DC_WORDS = "declaration_words"
    # involvement opportunities
    OP_KIND = "opportunity_kind"
    OP_TITLE = "opportunity_title"
    OP_PURPOSE = "opportunity_purpose"
    OP_EXPECTED = "opportunity_expected"
    OP_WHEN_WHERE = "opportunity_when_where"
    OP_TIME_NEEDED = "opportunity_time_needed"
    OP_EXPERIENCE = "opportunity_experience"
    OP_RECOMPENSE = "opportunity_recompense"
    OP_AMOUNT = "opportunity_amount"
    OP_SHARING = "opportunity_sharing"
    OP_CONTACT = "opportunity_contact"
    OP_STARTS = "opportunity_starts"
    OP_ENDS = "opportunity_ends"
    INV_ACTIONS = "involvement_actions"
    # Buttons in the /involve overview: a click there redraws the overview.
    INV_LIST_ACTIONS = "involvement_list_actions"
    TL_AMOUNT = "take_less_amount"
    SU_WHAT = "story_use_what"
    SU_DAY = "story_use_day"
    EX_WENT_WELL = "exit_went_well"
    EX_BETTER = "exit_could_be_better"
    EX_RECOMMEND = "exit_recommend"
    EX_ELSE = "exit_anything_else"
    EX_IDENTITY = "exit_identity"
    # policies and induction
    PO_VERSION_OF = "policy_version_of"
    PO_TITLE = "policy_title"
    PO_LINK = "policy_link"
    PO_SUMMARY = "policy_summary"
    PO_FACILITATORS = "policy_facilitators"
    PO_ACTIONS = "policy_actions"              # the policy sent to a member: I agree
    PO_LIST_ACTIONS = "policy_list_actions"    # in /involve policies: a click redraws the list
    PO_INDUCTION_ACTIONS = "induction_actions"
    # wellbeing checks
    WB_ACTIONS = "wellbeing_actions"
    # communication profiles
    PR_CONTACT = "profile_contact"
    PR_READING = "profile_reading"
    PR_SCREEN_READER = "profile_screen_reader"
    PR_QUIET_FROM = "profile_quiet_from"
    PR_QUIET_UNTIL = "profile_quiet_until"
    PR_AGREED = "profile_agreed"
    PR_MEMBER = "profile_member"
    PR_HOME = "profile_home"                   # "How we reach you" on App Home


class ActionId(enum.StrEnum):
    FB_KIND_CHOSEN = "feedback_kind_chosen"
    FB_TOPIC_CHOSEN = "feedback_topic_chosen"
    FB_ABOUT_CHOSEN = "feedback_about_chosen"
    FB_TEXT_TYPED = "feedback_text_typed"
    FB_IDENTITY_CHOSEN = "feedback_identity_chosen"
    FB_NAMED_OPTIONS_CHOSEN = "feedback_named_options_chosen"
    FB_TESTIMONY_CHOSEN = "feedback_testimony_chosen"
    FB_REPLY_TYPED = "feedback_reply_typed"
    FB_ACKNOWLEDGE = "feedback_acknowledge"
    FB_RESOLVE = "feedback_resolve"
    FB_REPLY = "feedback_reply"
    FB_MEETING_ACKNOWLEDGE = "feedback_meeting_acknowledge"
    FB_MEETING_ARRANGED = "feedback_meeting_arranged"
    FB_MEETING_DECLINE = "feedback_meeting_decline"
    SS_FIELD = "session_field"  # every input of the session form; block ids tell them apart
    SESSION_NEW = "session_new"
    SESSION_CLAIM = "session_claim"
    SESSION_RELEASE = "session_release"
    SESSION_RELEASE_CONFIRMED = "session_release_confirmed"
    SESSION_KEEP_PLACE = "session_keep_place"
    SESSION_ATTEND = "session_attend"
    SESSION_CANT_COME = "session_cant_come"
    SESSION_WAIT = "session_wait"
    SESSION_TAKE_OFFER = "session_take_offer"
    SESSION_MANAGE = "session_manage"
    SESSION_CANCEL_CONFIRMED = "session_cancel_confirmed"
    SESSION_CANCEL_KEPT = "session_cancel_kept"
    SESSION_CALENDAR = "session_calendar"
    SESSION_OK_AFTER = "session_ok_after"
    SESSION_DEBRIEF = "session_debrief"
    SESSION_DEBRIEF_ARRANGED = "session_debrief_arranged"
    SESSION_DEBRIEF_ACKNOWLEDGE = "session_debrief_acknowledge"
    SESSION_DEBRIEF_DECLINE = "session_debrief_decline"
    IN_FIELD = "incident_field"  # every plain input of the incident form
    IN_DANGER_CHOSEN = "incident_danger_chosen"
    IN_ACKNOWLEDGE = "incident_acknowledge"
    IN_RESOLVE = "incident_resolve"
    IN_NOTE = "incident_add_note"
    IN_RECORD = "incident_open_record"
    IN_REOPEN = "incident_reopen"
    IN_S42 = "incident_s42"
    IN_FOLLOW_UP = "incident_add_follow_up"
    IN_FOLLOW_UP_DONE = "incident_follow_up_done"
    IN_SERIOUS = "incident_mark_serious"
    IN_EXPORT = "incident_export_chronology"
    IN_RECORD_FIELD = "incident_record_field"  # every input of the record's forms
    SI_ACKNOWLEDGE = "serious_acknowledge"
    SI_DECIDE = "serious_decide"
    BR_ACKNOWLEDGE = "breach_acknowledge"
    BR_RECORD = "breach_record_outcome"
    TX_REPLY = "text_reply"
    TX_REPLY_TYPED = "text_reply_typed"
    MT_FIELD = "meeting_field"  # every input of the meeting, agenda and present forms
    MEETING_NEW = "meeting_new"
    MEETING_GOING = "meeting_going"
    MEETING_NOT_GOING = "meeting_not_going"
    MEETING_CANCEL = "meeting_cancel"
    MEETING_RECORD_ANSWER = "meeting_record_answer"
    PRESENT_ACCEPT = "present_accept"
    PRESENT_ANOTHER_DATE = "present_another_date"
    PRESENT_ACKNOWLEDGE = "present_acknowledge"
    # expenses and declarations
    CL_FIELD = "claim_field"  # every input of the claim, question and answer forms
    CLAIM_APPROVE = "claim_approve"
    CLAIM_ASK = "claim_ask"
    CLAIM_ANSWER = "claim_answer"
    CLAIM_PAID = "claim_paid"
    DC_FIELD = "declaration_field"  # every input of the declaration form
    DECLARATION_ACKNOWLEDGE = "declaration_acknowledge"
    DECLARATION_NOTED = "declaration_noted"
    DECLARATION_TALK = "declaration_talk"
    # involvement opportunities
    OP_FIELD = "opportunity_field"  # every input of the opportunity, payment and exit forms
    INV_NEW = "involvement_new"
    INV_INTERESTED = "involvement_interested"
    INV_OFFER = "involvement_offer"
    INV_ACCEPT = "involvement_accept"
    INV_DECLINE = "involvement_decline"
    INV_PAUSE = "involvement_pause"
    INV_RESUME = "involvement_resume"
    INV_WITHDRAW = "involvement_withdraw"
    INV_END = "involvement_end"
    INV_CLOSE = "involvement_close"
    INV_PAY_TAKE = "involvement_pay_take"
    INV_PAY_LESS = "involvement_pay_less"
    INV_PAY_DONATE = "involvement_pay_donate"
    INV_PAY_DECLINE = "involvement_pay_decline"
    INV_CONSENT_YES_BEFORE = "involvement_consent_yes_before"
    INV_CONSENT_NO_BEFORE = "involvement_consent_no_before"
    INV_CONSENT_YES_AFTER = "involvement_consent_yes_after"
    INV_CONSENT_NO_AFTER = "involvement_consent_no_after"
    INV_CONSENT_WITHDRAW = "involvement_consent_withdraw"
    INV_STORY_USE = "involvement_story_use"
    INV_EXIT_FORM = "involvement_exit_form"
    INV_LEAVE_YES = "involvement_leave_yes"  # /involve leaving, once they are sure
    INV_LEAVE_NOT_NOW = "involvement_leave_not_now"
    # policies and induction
    PO_FIELD = "policy_field"  # every input of the policy form
    POLICY_PUBLISH = "policy_publish"
    POLICY_AGREE = "policy_agree"
    POLICY_AGREEMENTS = "policy_agreements"    # coordinators: who has agreed
    INDUCTION_RECORD = "induction_record"      # a coordinator records a step for someone
    INDUCTION_SIGNED = "induction_signed"      # ... or a policy they signed on paper
    # wellbeing checks
    WB_OK = "wellbeing_ok"
    WB_MIXED = "wellbeing_mixed"
    WB_SUPPORT = "wellbeing_support"
    WB_SKIP = "wellbeing_skip"
    # communication profiles
    PR_FIELD = "profile_field"                 # every input of the profile forms
    PROFILE_CHANGE = "profile_change"          # "Change" on App Home


class OptionValue(enum.StrEnum):
    ANONYMOUS = "anonymous"
    NAMED = "named"
    WANTS_MEETING = "wants_meeting"
    WANTS_ACKNOWLEDGEMENT = "wants_acknowledgement"
    TESTIMONY = "testimony"
    # involvement opportunities
    SHARES_STORY = "shares_story"
    PUBLISHED_OUTPUTS = "published_outputs"
    # communication profiles
    SCREEN_READER = "screen_reader"
    AGREED = "agreed"
    NO_QUIET_HOURS = "none"


class Event(enum.StrEnum):
    APP_HOME_OPENED = "app_home_opened"


# Events whose handling only draws something afresh: handling a retry twice changes nothing, so
# they are told apart from retries in memory, without a write on the way to the answer.
REDRAW_ONLY_EVENTS: frozenset[str] = frozenset({Event.APP_HOME_OPENED.value})


# Bot token scopes, each with the reason it is asked for (the manifest must list exactly these).
BOT_SCOPES: dict[str, str] = {
    "commands": "slash commands",
    "chat:write": "posting cards and direct messages, and updating them",
    # Only after a crash mid-send: did this one notification arrive? (Its own recent messages
    # in that one conversation, looked up by the mark it carries.)
    "im:history": "checking after a crash whether a direct message already arrived",
    "im:write": "finding the direct message with a person, for that same check (and to send "
                "a safeguarding lead the chronology they exported)",
    "channels:history": "checking after a crash whether a channel post already arrived",
    "groups:history": "checking after a crash whether a private-channel post already arrived",
    # Only a safeguarding lead's own export: an incident's chronology, to their DM.
    "files:write": "sending a safeguarding lead the chronology they exported, in their DM",
}

# Events the app subscribes to.
BOT_EVENTS: tuple[str, ...] = (Event.APP_HOME_OPENED.value,)
