"""resident topics on answers (topic, answer kind, follow-up, gloss) and staff reviews of corpus translations

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 02:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('answer_kind', sa.String(length=24), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('follow_up', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('gloss', sa.Text(), nullable=False, server_default=''))
        batch_op.create_index('ix_answers_topic', ['topic'], unique=False)

    op.create_table('translation_reviews',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('sentence_id', sa.String(length=200), nullable=False),
    sa.Column('source_hash', sa.String(length=32), nullable=False),
    sa.Column('translation', sa.Text(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewer', sa.String(length=254), nullable=False, server_default=''),
    sa.ForeignKeyConstraint(['reviewer_id'], ['staff_users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('translation_reviews', schema=None) as batch_op:
        batch_op.create_index('ix_translation_reviews_language_hash', ['language', 'source_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_translation_reviews_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('translation_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_translation_reviews_created_at'))
        batch_op.drop_index('ix_translation_reviews_language_hash')
    op.drop_table('translation_reviews')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index('ix_answers_topic')
        batch_op.drop_column('gloss')
        batch_op.drop_column('follow_up')
        batch_op.drop_column('answer_kind')
        batch_op.drop_column('topic')
