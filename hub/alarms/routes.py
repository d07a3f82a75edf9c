"""Alarm endpoints (thin: parse, call the desk, the service or the configuration, shape).

A user bound to sites (`PUT /users/{id}/sites`, field techs) sees and works only the alarms
and device events of those sites; anything else answers 404 as another tenant's would. The
site binding lives here, not under identity: `user_sites` is this domain's table and
identity sits below alarms (pyproject import contracts)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, Response

from hub.alarms import schemas as s
from hub.alarms import service
from hub.alarms.configuration import AlarmConfiguration
from hub.alarms.models import Alarm, MaintenanceWindow, NotificationPolicy
from hub.alarms.repository.desk import AlarmDesk, AlarmFilter, EventFilter, actor_name
from hub.api.deps import RequirePermission, SessionDep
from hub.errors import error_docs
from hub.pagination import PageDep
from hub.principal import Principal

router = APIRouter()
LIST, ONE = error_docs(401, 403, 422, 429), error_docs(401, 403, 404, 422, 429)
ACT = error_docs(401, 403, 404, 409, 422, 429)
AlarmsRead = Annotated[Principal, RequirePermission("alarms:read")]
AlarmsWrite = Annotated[Principal, RequirePermission("alarms:write")]
AlarmsManage = Annotated[Principal, RequirePermission("alarms:manage")]
UsersRead = Annotated[Principal, RequirePermission("users:read")]
UsersWrite = Annotated[Principal, RequirePermission("users:write")]
AlarmId = Annotated[uuid.UUID, Path(description="an alarm id")]
RuleKeyPath = Annotated[str, Path(max_length=64, pattern=s.RULE_KEY, examples=["event.link"])]
OptId = Annotated[uuid.UUID | None, Query()]
Note = Annotated[s.AlarmNote | None, Body()]


def alarm_filter(
    state: Annotated[list[s.AlarmState] | None, Query(description="one or more states")] = None,
    severity: Annotated[list[s.Severity] | None, Query(description="one or more")] = None,
    site_id: OptId = None, device_id: OptId = None,
    device_name: Annotated[str | None, Query(max_length=100, examples=["sw1"])] = None,
    customer_id: Annotated[uuid.UUID | None, Query(description="alarms affecting this "
                                                   "customer's subscriptions")] = None,
    rule: Annotated[str | None, Query(max_length=64, pattern=s.RULE_KEY)] = None,
    active: Annotated[bool | None, Query(description="true: raised or acknowledged; false: "
                                         "cleared or closed")] = None,
) -> AlarmFilter:
    """The alarm list's query parameters."""
    return AlarmFilter(tuple(state or ()), tuple(severity or ()), site_id, device_id,
                       device_name, customer_id, rule, active)


def event_filter(
    device_id: OptId = None, site_id: OptId = None,
    device_name: Annotated[str | None, Query(max_length=100)] = None,
    event_type: Annotated[str | None, Query(max_length=64, examples=["link_down"])] = None,
    severity: Annotated[s.Severity | None, Query()] = None,
    origin: Annotated[s.EventOrigin | None, Query()] = None,
    since: Annotated[datetime | None, Query(description="received at or after (ISO 8601 "
                                            "with a time zone)")] = None,
    until: Annotated[datetime | None, Query(description="received before")] = None,
) -> EventFilter:
    """The device event list's query parameters (times without a zone are UTC)."""
    return EventFilter(device_id, device_name, site_id, event_type, severity, origin,
                       s.aware(since), s.aware(until))


AlarmFilterDep = Annotated[AlarmFilter, Depends(alarm_filter)]
EventFilterDep = Annotated[EventFilter, Depends(event_filter)]


async def _detail(desk: AlarmDesk, alarm: Alarm) -> s.AlarmDetail:
    out = s.AlarmDetail.model_validate(alarm)
    out.history = [s.HistoryEntryPublic.model_validate(h) for h in await desk.history(alarm)]
    root = await desk.root(alarm)
    out.root = None if root is None else s.RootAlarmPublic.model_validate(root)
    return out


# ---- alarms -------------------------------------------------------------------------------

@router.get("/alarms", operation_id="alarms_list", response_model=s.AlarmsPublic,
            responses=LIST, tags=["alarms"], summary="List alarms")
async def list_alarms(session: SessionDep, page: PageDep, wanted: AlarmFilterDep,
                      p: AlarmsRead) -> s.AlarmsPublic:
    """Alarms of the tenant (of the caller's sites when it is bound to some), newest first.

    `?active=true` is the NOC's worklist; `state` and `severity` may repeat
    (`?severity=critical&severity=major`)."""
    rows, cursor = await AlarmDesk(session, p).alarms(wanted, page)
    return s.AlarmsPublic.of(rows, cursor)


@router.get("/alarms/{alarm_id}", operation_id="alarms_get", response_model=s.AlarmDetail,
            responses=ONE, tags=["alarms"], summary="One alarm with its history")
async def get_alarm(alarm_id: AlarmId, session: SessionDep, p: AlarmsRead) -> s.AlarmDetail:
    """One alarm with its details, history (who did what, when; oldest first), the customers
    it affects and the root alarm it is suppressed under."""
    desk = AlarmDesk(session, p)
    return await _detail(desk, await desk.alarm(alarm_id))


Action = Callable[[Alarm, str], Awaitable[object]]


async def _act(session: SessionDep, p: Principal, alarm_id: uuid.UUID,
               action: Action) -> s.AlarmDetail:
    """Run one service action on an alarm the caller sees (row locked), named after the
    caller in its history, and answer the alarm as it is now."""
    desk = AlarmDesk(session, p)
    alarm = await desk.alarm(alarm_id, for_update=True)
    await action(alarm, await actor_name(session, p))
    await session.commit()
    return await _detail(desk, alarm)


@router.post("/alarms/{alarm_id}/ack", operation_id="alarms_acknowledge",
             response_model=s.AlarmDetail, responses=ACT, tags=["alarms"],
             summary="Acknowledge an alarm")
async def acknowledge(alarm_id: AlarmId, session: SessionDep, p: AlarmsWrite,
                      body: Note = None) -> s.AlarmDetail:
    """Someone is on it: the history records who and when; escalation stops. A cleared or
    closed alarm cannot be acknowledged (409)."""
    text = (body or s.AlarmNote()).text
    return await _act(session, p, alarm_id, lambda alarm, actor: service.acknowledge(
        session, alarm, actor, p.id, text=text))


@router.post("/alarms/{alarm_id}/unack", operation_id="alarms_unacknowledge",
             response_model=s.AlarmDetail, responses=ACT, tags=["alarms"],
             summary="Take back an acknowledgement")
async def unacknowledge(alarm_id: AlarmId, session: SessionDep, p: AlarmsWrite,
                        body: Note = None) -> s.AlarmDetail:
    """The alarm is raised again and nobody is on it (escalation resumes)."""
    text = (body or s.AlarmNote()).text
    return await _act(session, p, alarm_id, lambda alarm, actor: service.unacknowledge(
        session, alarm, actor, p.id, text=text))


@router.post("/alarms/{alarm_id}/comments", operation_id="alarms_comment", status_code=201,
             response_model=s.AlarmDetail, responses=ACT, tags=["alarms"],
             summary="Comment on an alarm")
async def comment(alarm_id: AlarmId, body: s.CommentCreate, session: SessionDep,
                  p: AlarmsWrite) -> s.AlarmDetail:
    """Add a note to the alarm's history (any state, closed ones too)."""
    return await _act(session, p, alarm_id, lambda alarm, actor: service.comment(
        session, alarm, body.text, actor, p.id))


@router.post("/alarms/{alarm_id}/shelve", operation_id="alarms_shelve",
             response_model=s.AlarmDetail, responses=ACT, tags=["alarms"],
             summary="Shelve an alarm until a time")
async def shelve(alarm_id: AlarmId, body: s.ShelveRequest, session: SessionDep,
                 p: AlarmsWrite) -> s.AlarmDetail:
    """Silence the alarm until `until` (in the future): it keeps being recorded, its raises
    and clears notify nobody."""
    return await _act(session, p, alarm_id, lambda alarm, actor: service.shelve(
        session, alarm, body.until, actor, p.id, text=body.text))


@router.post("/alarms/{alarm_id}/unshelve", operation_id="alarms_unshelve",
             response_model=s.AlarmDetail, responses=ACT, tags=["alarms"],
             summary="Unshelve an alarm")
async def unshelve(alarm_id: AlarmId, session: SessionDep, p: AlarmsWrite,
                   body: Note = None) -> s.AlarmDetail:
    """Notifications of the alarm resume now."""
    text = (body or s.AlarmNote()).text
    return await _act(session, p, alarm_id, lambda alarm, actor: service.unshelve(
        session, alarm, actor, p.id, text=text))


@router.post("/alarms/{alarm_id}/close", operation_id="alarms_close",
             response_model=s.AlarmDetail, responses=ACT, tags=["alarms"],
             summary="Close an alarm")
async def close(alarm_id: AlarmId, session: SessionDep, p: AlarmsWrite,
                body: Note = None) -> s.AlarmDetail:
    """Done with it: the alarm becomes history, and the condition raising again opens a new
    alarm."""
    text = (body or s.AlarmNote()).text
    return await _act(session, p, alarm_id, lambda alarm, actor: service.close(
        session, alarm, actor, p.id, text=text))


# ---- rules --------------------------------------------------------------------------------

async def _configuration(session: SessionDep, p: Principal) -> AlarmConfiguration:
    return AlarmConfiguration(session, p, await actor_name(session, p))


@router.get("/alarm-rules", operation_id="alarm_rules_list", response_model=s.AlarmRulesPublic,
            responses=LIST, tags=["alarm rules"], summary="The alarm rules in effect")
async def list_rules(session: SessionDep, p: AlarmsRead) -> s.AlarmRulesPublic:
    """Every rule: the values in effect for the tenant, the shipped defaults and the tenant's
    override, if any."""
    return s.AlarmRulesPublic(data=await (await _configuration(session, p)).rules())


@router.put("/alarm-rules/{rule_key}", operation_id="alarm_rules_override",
            response_model=s.AlarmRulePublic, responses=ACT, tags=["alarm rules"],
            summary="Override a rule")
async def override_rule(rule_key: RuleKeyPath, body: s.AlarmRuleOverride, session: SessionDep,
                        p: AlarmsManage) -> s.AlarmRulePublic:
    """Turn a rule on or off, fix its severity, change some of its parameters (only those
    the rule has, with values of their type); replaces an earlier override."""
    return await (await _configuration(session, p)).override_rule(rule_key, body)


@router.delete("/alarm-rules/{rule_key}", operation_id="alarm_rules_reset",
               response_model=s.AlarmRulePublic, responses=ONE, tags=["alarm rules"],
               summary="Back to the shipped rule")
async def reset_rule(rule_key: RuleKeyPath, session: SessionDep,
                     p: AlarmsManage) -> s.AlarmRulePublic:
    """Drop the tenant's override of a rule; the answer is the rule as shipped."""
    return await (await _configuration(session, p)).reset_rule(rule_key)


# ---- maintenance windows ------------------------------------------------------------------

@router.get("/maintenance-windows", operation_id="maintenance_windows_list",
            response_model=s.MaintenanceWindowsPublic, responses=LIST,
            tags=["maintenance windows"], summary="List maintenance windows")
async def list_windows(session: SessionDep, page: PageDep, p: AlarmsRead,
                       site_id: OptId = None, device_id: OptId = None,
                       active: Annotated[bool | None, Query(description="true: windows "
                                                            "covering now")] = None,
                       ) -> s.MaintenanceWindowsPublic:
    """Windows of the tenant, newest first."""
    rows, cursor = await (await _configuration(session, p)).window_page(
        page, site_id, device_id, active)
    return s.MaintenanceWindowsPublic.of(rows, cursor)


@router.post("/maintenance-windows", operation_id="maintenance_windows_create",
             status_code=201, response_model=s.MaintenanceWindowPublic, responses=ACT,
             tags=["maintenance windows"], summary="Plan a maintenance window")
async def create_window(body: s.MaintenanceWindowCreate, session: SessionDep,
                        p: AlarmsManage) -> MaintenanceWindow:
    """A site or a device is worked on from `starts_at` to `ends_at`: its alarms are
    recorded and marked `in_maintenance`, and notify nobody."""
    return await (await _configuration(session, p)).add_window(body)


@router.get("/maintenance-windows/{window_id}", operation_id="maintenance_windows_get",
            response_model=s.MaintenanceWindowPublic, responses=ONE,
            tags=["maintenance windows"], summary="One maintenance window")
async def get_window(window_id: uuid.UUID, session: SessionDep,
                     p: AlarmsRead) -> MaintenanceWindow:
    """One window."""
    return await (await _configuration(session, p)).windows.get(window_id)


@router.put("/maintenance-windows/{window_id}", operation_id="maintenance_windows_update",
            response_model=s.MaintenanceWindowPublic, responses=ACT,
            tags=["maintenance windows"], summary="Move a maintenance window")
async def update_window(window_id: uuid.UUID, body: s.MaintenanceWindowUpdate,
                        session: SessionDep, p: AlarmsManage) -> MaintenanceWindow:
    """New times and reason (the site or device stays; plan another window for another)."""
    return await (await _configuration(session, p)).change_window(window_id, body)


@router.delete("/maintenance-windows/{window_id}", operation_id="maintenance_windows_delete",
               status_code=204, responses=ONE, tags=["maintenance windows"],
               summary="Delete a maintenance window")
async def delete_window(window_id: uuid.UUID, session: SessionDep,
                        p: AlarmsManage) -> Response:
    """Remove a window (ends it at once when it is running)."""
    await (await _configuration(session, p)).remove_window(window_id)
    return Response(status_code=204)


# ---- notification policies ----------------------------------------------------------------

@router.get("/notification-policies", operation_id="notification_policies_list",
            response_model=s.NotificationPoliciesPublic, responses=LIST,
            tags=["notification policies"], summary="List notification policies")
async def list_policies(session: SessionDep, page: PageDep,
                        p: AlarmsManage) -> s.NotificationPoliciesPublic:
    """Policies of the tenant, in creation order (they hold people's e-mail addresses:
    alarms:manage only)."""
    rows, cursor = await (await _configuration(session, p)).policies.page(page)
    return s.NotificationPoliciesPublic.of(rows, cursor)


@router.post("/notification-policies", operation_id="notification_policies_create",
             status_code=201, response_model=s.NotificationPolicyPublic, responses=ACT,
             tags=["notification policies"], summary="Add a notification policy")
async def create_policy(body: s.NotificationPolicyCreate, session: SessionDep,
                        p: AlarmsManage) -> NotificationPolicy:
    """Which alarms (severity, sites, types, rules, days and hours in a time zone) are sent
    to the tenant's webhooks (`alarm.*` events) and to which e-mail addresses, with
    escalation when nobody acknowledges and a message when the alarm clears."""
    return await (await _configuration(session, p)).add_policy(body)


@router.get("/notification-policies/{policy_id}", operation_id="notification_policies_get",
            response_model=s.NotificationPolicyPublic, responses=ONE,
            tags=["notification policies"], summary="One notification policy")
async def get_policy(policy_id: uuid.UUID, session: SessionDep,
                     p: AlarmsManage) -> NotificationPolicy:
    """One policy."""
    return await (await _configuration(session, p)).policies.get(policy_id)


@router.patch("/notification-policies/{policy_id}", operation_id="notification_policies_update",
              response_model=s.NotificationPolicyPublic, responses=ACT,
              tags=["notification policies"], summary="Change a notification policy")
async def update_policy(policy_id: uuid.UUID, body: s.NotificationPolicyUpdate,
                        session: SessionDep, p: AlarmsManage) -> NotificationPolicy:
    """Change the given fields; the whole policy is then checked as a new one would be."""
    return await (await _configuration(session, p)).change_policy(policy_id, body)


@router.delete("/notification-policies/{policy_id}", operation_id="notification_policies_delete",
               status_code=204, responses=ONE, tags=["notification policies"],
               summary="Delete a notification policy")
async def delete_policy(policy_id: uuid.UUID, session: SessionDep,
                        p: AlarmsManage) -> Response:
    """Remove a policy and the messages it still owed."""
    await (await _configuration(session, p)).remove_policy(policy_id)
    return Response(status_code=204)


# ---- device events ------------------------------------------------------------------------

@router.get("/device-events", operation_id="device_events_list",
            response_model=s.DeviceEventsPublic, responses=LIST, tags=["device events"],
            summary="List device events (traps, syslog)")
async def list_events(session: SessionDep, page: PageDep, wanted: EventFilterDep,
                      p: AlarmsRead) -> s.DeviceEventsPublic:
    """Traps and syslog lines the agents received and the hub stored, newest first (of the
    caller's sites when it is bound to some), whether they raised an alarm or not."""
    rows, cursor = await AlarmDesk(session, p).events(wanted, page)
    return s.DeviceEventsPublic.of(rows, cursor)


# ---- site scope ---------------------------------------------------------------------------

@router.get("/users/{user_id}/sites", operation_id="users_sites_get",
            response_model=s.UserSitesPublic, responses=ONE, tags=["users"],
            summary="The sites a user is bound to")
async def get_user_sites(user_id: uuid.UUID, session: SessionDep,
                         p: UsersRead) -> s.UserSitesPublic:
    """The sites whose alarms and device events the user sees; empty: every site."""
    return await (await _configuration(session, p)).user_sites(user_id)


@router.put("/users/{user_id}/sites", operation_id="users_sites_set",
            response_model=s.UserSitesPublic, responses=ACT, tags=["users"],
            summary="Bind a user to sites")
async def set_user_sites(user_id: uuid.UUID, body: s.UserSites, session: SessionDep,
                         p: UsersWrite) -> s.UserSitesPublic:
    """Replace the user's sites (a field tech's patch); `[]` unbinds. Audited as
    `user.sites_change`."""
    return await (await _configuration(session, p)).bind_user(user_id, body)
