-- Least-privilege accounts. Applied by `coffee db-init`, which replaces ${DB}, ${APP_USER},
-- ${BATCH_USER}, ${CDC_USER} and the passwords (read from the environment, never from this repo).

-- Order generator and the suggestion write-back: reads reference data, writes orders and lines.
CREATE USER IF NOT EXISTS '${APP_USER}'@'%' IDENTIFIED BY '${APP_PASSWORD}';
ALTER USER '${APP_USER}'@'%' IDENTIFIED BY '${APP_PASSWORD}';
GRANT SELECT ON `${DB}`.* TO '${APP_USER}'@'%';
GRANT INSERT, UPDATE ON `${DB}`.orders TO '${APP_USER}'@'%';
GRANT INSERT, UPDATE ON `${DB}`.order_details TO '${APP_USER}'@'%';

-- Daily batch (bronze ingestion): read-only.
CREATE USER IF NOT EXISTS '${BATCH_USER}'@'%' IDENTIFIED BY '${BATCH_PASSWORD}';
ALTER USER '${BATCH_USER}'@'%' IDENTIFIED BY '${BATCH_PASSWORD}';
GRANT SELECT ON `${DB}`.* TO '${BATCH_USER}'@'%';

-- Debezium: binlog replication grants, plus SELECT on this schema only for the initial snapshot.
CREATE USER IF NOT EXISTS '${CDC_USER}'@'%' IDENTIFIED BY '${CDC_PASSWORD}';
ALTER USER '${CDC_USER}'@'%' IDENTIFIED BY '${CDC_PASSWORD}';
GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '${CDC_USER}'@'%';
GRANT SELECT ON `${DB}`.* TO '${CDC_USER}'@'%';
