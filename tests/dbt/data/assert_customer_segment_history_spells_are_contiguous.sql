{#-
    Each customer's spells follow each other without gap or overlap: a spell
    ends (valid_to) on the day the next one starts, only the last is open, and
    two spells in a row never have the same segment.
-#}

with

segment_history as (

    select
        customer_id,
        lifecycle_segment,
        valid_from,
        valid_to

    from {{ ref('customer_segment_history') }}

),

with_next as (

    select
        *,
        lead(valid_from) over (
            partition by customer_id
            order by valid_from
        ) as next_valid_from,
        lead(lifecycle_segment) over (
            partition by customer_id
            order by valid_from
        ) as next_segment

    from segment_history

),

broken as (

    select *
    from with_next
    where
        (valid_to is null and next_valid_from is not null)
        or (valid_to is not null and next_valid_from is null)
        or valid_to <> next_valid_from
        or lifecycle_segment = next_segment

)

select * from broken
