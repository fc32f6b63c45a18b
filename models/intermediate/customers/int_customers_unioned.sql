{#-
    Customers who exist as of as_of_date (SEGMENTS.md section 3): a clean
    customer row signed up by then (or with an unknown sign-up date), or a valid
    order. A clean row gives email, consent and sign-up date, even when the
    customer exists only through an earlier order; an order-only customer has
    none of them.
-#}

with

customers as (

    select * from {{ ref('int_customers_cleaned') }}

),

buyers as (

    -- a customer with a valid order (one row per buyer, not per order)
    select customer_id from {{ ref('int_customers_orders_aggregated') }}

),

signed_up as (

    select customer_id
    from customers
    where {{ has_signed_up_by(to_local_date('signed_up_at'), as_of_date()) }}

),

existing_ids as (

    select distinct customer_id
    from (
        select customer_id from signed_up
        union all
        select customer_id from buyers
    ) as candidates

),

unioned as (

    select
        existing_ids.customer_id,
        customers.email,
        coalesce(customers.accepts_marketing, false) as accepts_marketing,
        customers.signed_up_at

    from existing_ids
    left join customers
        on existing_ids.customer_id = customers.customer_id

)

select * from unioned
