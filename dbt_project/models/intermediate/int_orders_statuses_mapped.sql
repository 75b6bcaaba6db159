{#- One unified status per order (with the order's load stamp, so an incremental mart can
    ask for just the orders it rebuilds): the mapped status of lowest precedence among its fields.
    A value the seed does not know makes the status null and is named in
    unmapped_statuses, so fct_orders' not-null test fails on it instead of guessing. A field
    the seed lists as irrelevant (Shopify's "cancelled = false") simply maps to nothing. -#}

with

statuses as (

    select * from {{ ref('int_order_statuses_unioned') }}

),

status_map as (

    select * from {{ ref('order_status_map') }}

),

joined as (

    select
        statuses.channel,
        statuses.store_id,
        statuses.order_id,
        statuses.loaded_at_epoch,
        statuses.status_field,
        statuses.source_status,
        status_map.unified_status,
        status_map.precedence,
        (
            status_map.unified_status is null
            and not (statuses.status_field = 'cancelled' and statuses.source_status = 'false')
        ) as is_unmapped
    from statuses
    left join status_map
        on
            statuses.channel = status_map.channel
            and statuses.status_field = status_map.status_field
            and statuses.source_status = status_map.source_status

),

summarised as (

    -- One pass, grouped by the order and its load stamp, so a filter on either reaches the
    -- raw scans. The winning status is the minimum of "<precedence>:<status>", zero-padded.
    select
        channel,
        store_id,
        order_id,
        loaded_at_epoch,
        string_agg(
            case when status_field <> 'cancelled' then source_status end, '/'
            order by status_field
        ) as source_status,
        string_agg(
            case
                when is_unmapped
                    then status_field || '=' || coalesce(source_status, '<null>')
            end,
            ', '
        ) as unmapped_statuses,
        min(lpad(cast(precedence as varchar), 6, '0') || ':' || unified_status) as best_status
    from joined
    group by channel, store_id, order_id, loaded_at_epoch

)

select
    channel,
    store_id,
    order_id,
    loaded_at_epoch,
    source_status,
    unmapped_statuses,
    case when unmapped_statuses is null then substr(best_status, 8) end as status
from summarised
