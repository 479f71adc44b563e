"""answers: the other part of a two-part question that the texts do not answer

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 23:00:00

"What is the grant and how do I apply?" quotes what the grant is and says the texts do not explain how to apply;
the answer's topic is the quoted one, and the lacking one is kept beside it so staff statistics count it among the
topics to load.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('answers') as batch:
        batch.add_column(sa.Column('lacking_topic', sa.String(length=40), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('answers') as batch:
        batch.drop_column('lacking_topic')
