"""drafts of new sources and checks of published sources

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 03:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('source_checks',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('document_id', sa.String(length=100), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=False),
    sa.Column('known_hash', sa.String(length=64), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('diff', sa.Text(), nullable=False),
    sa.Column('extracted', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('source_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_checks_checked_at'), ['checked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_source_checks_document_id'), ['document_id'], unique=False)

    op.create_table('source_drafts',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('document_id', sa.String(length=100), nullable=False),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('origin', sa.String(length=1000), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('extracted', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('preview', sa.JSON(), nullable=False),
    sa.Column('preview_state', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.String(length=254), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('check_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('source_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_drafts_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_source_drafts_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_source_drafts_state'), ['state'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('source_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_drafts_state'))
        batch_op.drop_index(batch_op.f('ix_source_drafts_document_id'))
        batch_op.drop_index(batch_op.f('ix_source_drafts_created_at'))

    op.drop_table('source_drafts')
    with op.batch_alter_table('source_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_checks_document_id'))
        batch_op.drop_index(batch_op.f('ix_source_checks_checked_at'))

    op.drop_table('source_checks')
