{#-
    The customers whose segment history a daily run recomputes (issue 13):
    everyone else's history is carried forward by deletes
    (history_increment_prepare()). Since the last complete history build
    (int_history_builds_recorded), a customer's history can change only when:

    - their raw rows changed: int_customer_statuses_aggregated restamps every
      customer any delivery of a changed order or return names, and
      int_customers_versioned every customer whose own row was delivered;
    - an order or return of theirs is dated after the previous as_of_date and
      may now have happened;
    - an edge of theirs falls after the previous as_of_date: the end of an
      order's active window, the sign-up date or the end of its window.

    Each is a range of UTC times: a local date in reporting_timezone is a UTC
    day when the zone is UTC, and lies within a day either side of it in any
    other zone (offsets run from -12 to +14 hours), so the ranges are widened
    by a day at both ends there (`slack`).

    Empty when the history is rebuilt (history_rebuild_reason()). Its pre-hook
    (history_note_run_start()) runs before any kept model changes: a rebuild
    drops the record of the last build, so that a rebuild cut short is redone
    by the next run; a daily run notes how far it carries the history.
-#}

{{
    config(
        materialized='table',
        pre_hook="{{ history_note_run_start() }}",
    )
}}

-- depends_on: {{ ref('int_customer_statuses_aggregated') }}
-- depends_on: {{ ref('int_customers_versioned') }}
-- depends_on: {{ ref('int_orders_cleaned') }}
-- depends_on: {{ ref('int_customers_cleaned') }}

{%- set reason = history_rebuild_reason() if execute else 'not executing' %}
{%- set previous = history_previous_state() if reason is none else none %}
{%- if execute %}
    {%- if reason is none %}
        {%- do log('segment history: carried forward from as_of_date ' ~ previous.as_of_date ~ ' to ' ~ get_as_of_date() ~ ', history_start_date ' ~ previous.history_start_date ~ ' to ' ~ get_history_start_date(), info=true) %}
    {%- else %}
        {%- do log('segment history: rebuilt from every order (' ~ reason ~ ')', info=true) %}
    {%- endif %}
{%- endif %}

{%- set day = modules.datetime.timedelta(days=1) %}
{%- set as_of = parse_date_setting(get_as_of_date()) if execute else none %}
{%- set as_of = as_of or modules.datetime.date(2000, 1, 1) %}
{#- a rebuild recomputes everyone: the query below then keeps no row -#}
{%- set previous_as_of = parse_date_setting(previous.as_of_date) if previous is not none else as_of %}
{%- set previous_processed_at = previous.processed_at if previous is not none else none %}
{%- set active_days = var('active_window_days') | int %}
{%- set signup_days = var('new_signup_window_days') | int %}
{#- the local dates after the previous as_of_date, up to as_of_date: [first_day, last_day) in UTC days -#}
{%- set slack = 0 if var('reporting_timezone') == 'UTC' else 1 %}
{%- set first_day = previous_as_of + (1 - slack) * day %}
{%- set last_day = as_of + (1 + slack) * day %}

with

statuses as (

    select
        customer_id,
        last_event_at,
        processed_at

    from {{ ref('int_customer_statuses_aggregated') }}

),

customer_versions as (

    select
        customer_id,
        processed_at

    from {{ ref('int_customers_versioned') }}

),

clean_orders as (

    select
        customer_id,
        ordered_at

    from {{ ref('int_orders_cleaned') }}

),

customers as (

    select
        customer_id,
        signed_up_at

    from {{ ref('int_customers_cleaned') }}

),

affected as (

    -- raw rows changed
    select customer_id
    from statuses
    where processed_at > {{ _timestamp_literal(previous_processed_at) }}

    union

    select customer_id
    from customer_versions
    where
        processed_at > {{ _timestamp_literal(previous_processed_at) }}
        and customer_id is not null

    union

    -- an order or return dated after the previous as_of_date
    select customer_id
    from statuses
    where last_event_at >= {{ _timestamp_literal(first_day) }}

    union

    -- an active window ends after the previous as_of_date
    select customer_id
    from clean_orders
    where
        ordered_at >= {{ _timestamp_literal(_days_before(first_day, active_days)) }}
        and ordered_at < {{ _timestamp_literal(_days_before(last_day, active_days)) }}

    union

    -- signed up, or the sign-up window ends, after the previous as_of_date
    select customer_id
    from customers
    where
        (
            signed_up_at >= {{ _timestamp_literal(first_day) }}
            and signed_up_at < {{ _timestamp_literal(last_day) }}
        )
        or (
            signed_up_at >= {{ _timestamp_literal(_days_before(first_day, signup_days)) }}
            and signed_up_at < {{ _timestamp_literal(_days_before(last_day, signup_days)) }}
        )

)

select customer_id
from affected
where
    customer_id is not null
    and {{ 'false' if previous is none else 'true' }}
