#!/bin/bash
# Docker's MySQL init hook: creates the least-privilege users from schemas/…/mysql/users.sql (the
# only copy of the grants), filling its placeholders from the container's environment.
set -euo pipefail
sed -e "s/\${DB}/${COFFEE_DB_NAME}/g" \
    -e "s/\${APP_USER}/coffee_app/g" -e "s/\${BATCH_USER}/coffee_batch/g" -e "s/\${CDC_USER}/coffee_cdc/g" \
    -e "s/\${APP_PASSWORD}/${COFFEE_APP_PASSWORD}/g" \
    -e "s/\${BATCH_PASSWORD}/${COFFEE_BATCH_PASSWORD}/g" \
    -e "s/\${CDC_PASSWORD}/${COFFEE_CDC_PASSWORD}/g" \
    /coffeeshop/users.sql | mysql -uroot -p"${MYSQL_ROOT_PASSWORD}"
