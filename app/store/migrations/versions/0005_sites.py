"""sites in the database with their change trail; accounts belong to sites; handoff follow-through

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 10:00:00

Accounts that exist before this migration saw every site; they stay national, so an upgrade locks nobody
out. Accounts made afterwards belong to no site until one is given (least privilege).
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sites',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('site_changes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('site_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.Column('decided_by', sa.String(length=254), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['staff_users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('site_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_changes_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_changes_state'), ['state'], unique=False)
        batch_op.create_index('ix_site_changes_site_created', ['site_id', 'created_at'], unique=False)

    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('national', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('setup_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('setup_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_staff_users_setup_token'), ['setup_token'], unique=True)
    op.execute(sa.text("UPDATE staff_users SET national = :yes").bindparams(yes=True))

    op.create_table('staff_user_sites',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['staff_users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'site_id')
    )
    with op.batch_alter_table('staff_user_sites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_user_sites_site_id'), ['site_id'], unique=False)

    op.create_table('handoff_follow_through',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('answer_id', sa.String(length=32), nullable=False),
    sa.Column('contact', sa.String(length=40), nullable=False),
    sa.Column('link', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('answer_id', 'contact', 'link', name='uq_follow_through_answer_contact_link')
    )
    with op.batch_alter_table('handoff_follow_through', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoff_follow_through_answer_id'), ['answer_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('handoff_follow_through', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoff_follow_through_answer_id'))
    op.drop_table('handoff_follow_through')
    with op.batch_alter_table('staff_user_sites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_user_sites_site_id'))
    op.drop_table('staff_user_sites')
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_users_setup_token'))
        batch_op.drop_column('setup_expires_at')
        batch_op.drop_column('setup_token')
        batch_op.drop_column('national')
    with op.batch_alter_table('site_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_site_changes_site_created')
        batch_op.drop_index(batch_op.f('ix_site_changes_state'))
        batch_op.drop_index(batch_op.f('ix_site_changes_site_id'))
    op.drop_table('site_changes')
    op.drop_table('sites')
