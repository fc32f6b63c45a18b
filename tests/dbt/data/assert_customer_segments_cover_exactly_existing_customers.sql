{#-
    The mart has one row for every customer who exists as of as_of_date and for
    no one else (SEGMENTS.md section 3), restated from the clean models.
    Tagged heavy: it reads every valid order (docs/scale.md).
-#}

{{ config(tags=['heavy']) }}

with

customers as (

    select customer_id from {{ ref('customer_segments') }}

),

clean_customers as (

    select
        customer_id,
        signed_up_at
    from {{ ref('int_customers_cleaned') }}

),

valid_orders as (

    select customer_id from {{ ref('int_orders_filtered_to_valid') }}

),

expected as (

    select customer_id
    from clean_customers
    where signed_up_at is null or {{ to_local_date('signed_up_at') }} <= {{ as_of_date() }}
    union all
    select customer_id from valid_orders

),

missing as (

    select distinct
        expected.customer_id,
        'missing from customer_segments' as problem
    from expected
    left join customers
        on expected.customer_id = customers.customer_id
    where customers.customer_id is null

),

distinct_expected as (

    select distinct customer_id from expected

),

extra as (

    select
        customers.customer_id,
        'should not exist' as problem
    from customers
    left join distinct_expected
        on customers.customer_id = distinct_expected.customer_id
    where distinct_expected.customer_id is null

)

select * from missing
union all
select * from extra
