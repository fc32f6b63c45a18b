{#-
    The reverse-ETL sync holds exactly the customers with a valid email who
    accept marketing and are not in the holdout group: nobody else, and none
    of them missing.
-#}

with

customer_segments_sync as (

    select customer_id from {{ ref('customer_segments_sync') }}

),

customer_segments as (

    select
        customer_id,
        email,
        accepts_marketing,
        is_holdout

    from {{ ref('customer_segments') }}

),

consenting as (

    select customer_id
    from customer_segments
    where accepts_marketing and email is not null and not is_holdout

),

without_consent as (

    select
        customer_segments_sync.customer_id,
        'synced without consent or valid email, or held out' as problem

    from customer_segments_sync
    left join consenting
        on customer_segments_sync.customer_id = consenting.customer_id
    where consenting.customer_id is null

),

missing as (

    select
        consenting.customer_id,
        'consenting customer not synced' as problem

    from consenting
    left join customer_segments_sync
        on consenting.customer_id = customer_segments_sync.customer_id
    where customer_segments_sync.customer_id is null

),

problems as (

    select * from without_consent
    union all
    select * from missing

)

select * from problems
