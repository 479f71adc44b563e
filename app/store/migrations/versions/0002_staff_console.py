"""staff console: accounts, sessions, login attempts, answer and citation reviews, audit trail

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 16:16:28.008871
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_login_attempts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('account', sa.String(length=32), nullable=False),
    sa.Column('client', sa.String(length=32), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff_login_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_login_attempts_client'), ['client'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_login_attempts_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_staff_login_attempts_account_created', ['account', 'created_at'], unique=False)

    op.create_table('staff_users',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    op.create_table('answer_reviews',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('answer_id', sa.String(length=32), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('verdict', sa.String(length=32), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['staff_users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('answer_id', 'reviewer_id', name='uq_answer_reviews_answer_reviewer')
    )
    with op.batch_alter_table('answer_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_reviews_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_reviews_reviewer_id'), ['reviewer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_reviews_updated_at'), ['updated_at'], unique=False)

    op.create_table('staff_audit',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['staff_users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_audit_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_audit_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_audit_user_id'), ['user_id'], unique=False)

    op.create_table('staff_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['staff_users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_sessions_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('citation_reviews',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('passage_id', sa.String(length=128), nullable=False),
    sa.Column('verdict', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['answer_reviews.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('review_id', 'position', name='uq_citation_reviews_review_position')
    )
    with op.batch_alter_table('citation_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citation_reviews_review_id'), ['review_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('citation_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citation_reviews_review_id'))

    op.drop_table('citation_reviews')
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_sessions_user_id'))
        batch_op.drop_index(batch_op.f('ix_staff_sessions_expires_at'))

    op.drop_table('staff_sessions')
    with op.batch_alter_table('staff_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_audit_user_id'))
        batch_op.drop_index(batch_op.f('ix_staff_audit_created_at'))
        batch_op.drop_index(batch_op.f('ix_staff_audit_action'))

    op.drop_table('staff_audit')
    with op.batch_alter_table('answer_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_reviews_updated_at'))
        batch_op.drop_index(batch_op.f('ix_answer_reviews_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_answer_reviews_answer_id'))

    op.drop_table('answer_reviews')
    op.drop_table('staff_users')
    with op.batch_alter_table('staff_login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_login_attempts_account_created')
        batch_op.drop_index(batch_op.f('ix_staff_login_attempts_created_at'))
        batch_op.drop_index(batch_op.f('ix_staff_login_attempts_client'))

    op.drop_table('staff_login_attempts')
