{#-
    What a reverse-ETL sync sends to an email or ad platform: one row per
    customer with a valid email who accepts marketing, keyed by customer_id,
    with the segments, a few metrics that do not change by themselves from one
    day to the next (no days_since_*: a sync would rewrite every row daily) and
    segment_updated_at. Holdout customers (is_holdout) are left out: they
    receive no campaign (SEGMENTS.md section 11). With sync_email_as_sha256
    the email is replaced by the SHA-256 of the normalised (trimmed,
    lower-cased) email, for ad-platform audiences. No other personal data.
-#}

{%- set email_as_sha256 = var('sync_email_as_sha256') %}

with

customer_segments as (

    select
        customer_id,
        email,
        lifecycle_segment,
        new_customer_potential,
        return_behavior,
        first_order_basket,
        value_tier,
        churn_type,
        orders_count,
        net_revenue,
        abandoned_cart_value,
        accepts_marketing,
        is_cart_abandoner,
        last_order_at,
        last_abandoned_cart_at,
        rfm_segment,
        is_overdue,
        is_holdout,
        expected_next_order_date,
        p_alive,
        churn_probability,
        predicted_value

    from {{ ref('customer_segments') }}

),

segment_history as (

    select
        customer_id,
        lifecycle_segment,
        valid_from,
        is_current

    from {{ ref('customer_segment_history') }}

),

current_spells as (

    select
        customer_id,
        lifecycle_segment,
        valid_from

    from segment_history
    where is_current

),

consenting as (

    select *
    from customer_segments
    where accepts_marketing and email is not null and not is_holdout

),

final as (

    select
        consenting.customer_id,
        {% if email_as_sha256 -%}
            cast(null as {{ dbt.type_string() }}) as email,
            {{ sha256_hex('consenting.email') }} as email_sha256,
        {%- else -%}
            consenting.email,
            cast(null as {{ dbt.type_string() }}) as email_sha256,
        {%- endif %}
        consenting.lifecycle_segment,
        consenting.new_customer_potential,
        consenting.return_behavior,
        consenting.first_order_basket,
        consenting.value_tier,
        consenting.churn_type,
        consenting.orders_count,
        consenting.net_revenue,
        consenting.abandoned_cart_value,
        consenting.is_cart_abandoner,
        consenting.last_order_at,
        consenting.last_abandoned_cart_at,
        {{ local_date_start_utc('current_spells.valid_from') }} as segment_updated_at,
        consenting.rfm_segment,
        consenting.is_overdue,
        consenting.expected_next_order_date,
        consenting.p_alive,
        consenting.churn_probability,
        consenting.predicted_value

    from consenting
    left join current_spells
        on
            consenting.customer_id = current_spells.customer_id
            and consenting.lifecycle_segment = current_spells.lifecycle_segment

)

select * from final
