"""involvement done fairly: policies and agreements, induction, opportunities and who is
involved, wellbeing checks, consent for stories, expense claims, declarations, exit conversations

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('summary', sa.String(length=2000), nullable=False),
    sa.Column('needed_by_facilitators', sa.Boolean(), nullable=False),
    sa.Column('published_by', sa.String(length=32), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policies')),
    sa.UniqueConstraint('key', 'version', name=op.f('uq_policies_key'))
    )
    with op.batch_alter_table('policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policies_key'), ['key'], unique=False)

    op.create_table('declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('relationship', 'gift', name='declarationkind', native_enum=False, length=20), nullable=False),
    sa.Column('other_member_id', sa.Integer(), nullable=True),
    sa.Column('words', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('requested', 'acknowledged', 'arranged', 'declined', name='requeststatus', native_enum=False, length=20), nullable=False),
    sa.Column('handled_by', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_declarations_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['other_member_id'], ['members.id'], name=op.f('fk_declarations_other_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declarations'))
    )
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declarations_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_declarations_other_member_id'), ['other_member_id'], unique=False)

    op.create_table('exit_conversations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('answers', sa.Text(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_exit_conversations_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exit_conversations'))
    )
    with op.batch_alter_table('exit_conversations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exit_conversations_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exit_conversations_received_on'), ['received_on'], unique=False)

    op.create_table('induction_records',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Enum('boundaries_training', 'safeguarding_training', 'shadowed_a_session', name='inductionstep', native_enum=False, length=40), nullable=False),
    sa.Column('recorded_by', sa.String(length=32), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_induction_records_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', 'step', name=op.f('pk_induction_records'))
    )
    op.create_table('opportunities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('consultation', 'training', 'interview_panel', 'peer_support', 'speaking', 'other', name='opportunitykind', native_enum=False, length=20), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('purpose', sa.String(length=2000), nullable=False),
    sa.Column('expected', sa.String(length=2000), nullable=False),
    sa.Column('when_where', sa.String(length=300), nullable=False),
    sa.Column('time_needed', sa.String(length=200), nullable=False),
    sa.Column('experience', sa.String(length=1000), nullable=False),
    sa.Column('recompense', sa.Enum('fee', 'voucher', 'expenses_only', 'none', name='recompense', native_enum=False, length=20), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=True),
    sa.Column('shares_story', sa.Boolean(), nullable=False),
    sa.Column('published_outputs', sa.Boolean(), nullable=False),
    sa.Column('contact_member_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('open', 'closed', name='opportunitystatus', native_enum=False, length=20), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_member_id'], ['members.id'], name=op.f('fk_opportunities_contact_member_id_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunities'))
    )
    op.create_table('policy_agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('agreed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('how', sa.Enum('slack', 'text', 'paper', name='agreedby', native_enum=False, length=20), nullable=False),
    sa.Column('recorded_by', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_policy_agreements_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['policy_id'], ['policies.id'], name=op.f('fk_policy_agreements_policy_id_policies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_agreements')),
    sa.UniqueConstraint('member_id', 'policy_id', name=op.f('uq_policy_agreements_member_id'))
    )
    with op.batch_alter_table('policy_agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_agreements_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_policy_agreements_policy_id'), ['policy_id'], unique=False)

    op.create_table('involvements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('interested', 'offered', 'accepted', 'declined', 'paused', 'withdrawn', 'ended', name='involvementstatus', native_enum=False, length=20), nullable=False),
    sa.Column('agreement', sa.Text(), nullable=False),
    sa.Column('offered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('payment_choice', sa.Enum('take', 'take_less', 'donate', 'decline', name='paymentchoice', native_enum=False, length=20), nullable=True),
    sa.Column('amount_taken_pence', sa.Integer(), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_involvements_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], name=op.f('fk_involvements_opportunity_id_opportunities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_involvements')),
    sa.UniqueConstraint('opportunity_id', 'member_id', name=op.f('uq_involvements_opportunity_id'))
    )
    with op.batch_alter_table('involvements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_involvements_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_involvements_opportunity_id'), ['opportunity_id'], unique=False)

    op.create_table('expense_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('involvement_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('expenses', 'fee', name='claimkind', native_enum=False, length=20), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('claimed', 'question', 'approved', 'paid', name='claimstatus', native_enum=False, length=20), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=32), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['involvement_id'], ['involvements.id'], name=op.f('fk_expense_claims_involvement_id_involvements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expense_claims'))
    )
    with op.batch_alter_table('expense_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expense_claims_claimed_at'), ['claimed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_expense_claims_involvement_id'), ['involvement_id'], unique=False)

    op.create_table('story_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('involvement_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('before', 'after', name='consentstage', native_enum=False, length=20), nullable=False),
    sa.Column('given', sa.Boolean(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['involvement_id'], ['involvements.id'], name=op.f('fk_story_consents_involvement_id_involvements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_story_consents')),
    sa.UniqueConstraint('involvement_id', 'stage', name=op.f('uq_story_consents_involvement_id'))
    )
    with op.batch_alter_table('story_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_consents_involvement_id'), ['involvement_id'], unique=False)

    op.create_table('story_uses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('involvement_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('used_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.String(length=32), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['involvement_id'], ['involvements.id'], name=op.f('fk_story_uses_involvement_id_involvements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_story_uses'))
    )
    with op.batch_alter_table('story_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_uses_involvement_id'), ['involvement_id'], unique=False)

    op.create_table('wellbeing_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('involvement_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('before', 'end', 'follow_up', name='checkstage', native_enum=False, length=20), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.Enum('ok', 'mixed', 'support', 'skipped', name='wellbeing', native_enum=False, length=20), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['involvement_id'], ['involvements.id'], name=op.f('fk_wellbeing_checks_involvement_id_involvements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wellbeing_checks')),
    sa.UniqueConstraint('involvement_id', 'stage', name=op.f('uq_wellbeing_checks_involvement_id'))
    )
    with op.batch_alter_table('wellbeing_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wellbeing_checks_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_wellbeing_checks_involvement_id'), ['involvement_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('wellbeing_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wellbeing_checks_involvement_id'))
        batch_op.drop_index(batch_op.f('ix_wellbeing_checks_due_at'))

    op.drop_table('wellbeing_checks')
    with op.batch_alter_table('story_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_uses_involvement_id'))

    op.drop_table('story_uses')
    with op.batch_alter_table('story_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_consents_involvement_id'))

    op.drop_table('story_consents')
    with op.batch_alter_table('expense_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expense_claims_involvement_id'))
        batch_op.drop_index(batch_op.f('ix_expense_claims_claimed_at'))

    op.drop_table('expense_claims')
    with op.batch_alter_table('involvements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_involvements_opportunity_id'))
        batch_op.drop_index(batch_op.f('ix_involvements_member_id'))

    op.drop_table('involvements')
    with op.batch_alter_table('policy_agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_agreements_policy_id'))
        batch_op.drop_index(batch_op.f('ix_policy_agreements_member_id'))

    op.drop_table('policy_agreements')
    op.drop_table('opportunities')
    op.drop_table('induction_records')
    with op.batch_alter_table('exit_conversations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exit_conversations_received_on'))
        batch_op.drop_index(batch_op.f('ix_exit_conversations_member_id'))

    op.drop_table('exit_conversations')
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declarations_other_member_id'))
        batch_op.drop_index(batch_op.f('ix_declarations_member_id'))

    op.drop_table('declarations')
    with op.batch_alter_table('policies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policies_key'))

    op.drop_table('policies')
