"""Contains all the data models used in inputs/outputs"""

from .adopt_candidate import AdoptCandidate
from .adopt_request import AdoptRequest
from .adopt_result import AdoptResult
from .adopted_device import AdoptedDevice
from .agent_config_public import AgentConfigPublic
from .agent_configs_public import AgentConfigsPublic
from .agent_create import AgentCreate
from .agent_health_public import AgentHealthPublic
from .agent_public import AgentPublic
from .agent_status import AgentStatus
from .agent_update import AgentUpdate
from .agents_health import AgentsHealth
from .agents_public import AgentsPublic
from .aging_bucket import AgingBucket
from .aging_bucket_bucket import AgingBucketBucket
from .aging_report import AgingReport
from .alarm_detail import AlarmDetail
from .alarm_detail_details import AlarmDetailDetails
from .alarm_detail_severity import AlarmDetailSeverity
from .alarm_detail_state import AlarmDetailState
from .alarm_note import AlarmNote
from .alarm_public import AlarmPublic
from .alarm_public_severity import AlarmPublicSeverity
from .alarm_public_state import AlarmPublicState
from .alarm_rule_override import AlarmRuleOverride
from .alarm_rule_override_params import AlarmRuleOverrideParams
from .alarm_rule_override_severity_type_0 import AlarmRuleOverrideSeverityType0
from .alarm_rule_public import AlarmRulePublic
from .alarm_rule_public_defaults import AlarmRulePublicDefaults
from .alarm_rule_public_params import AlarmRulePublicParams
from .alarm_rule_public_severity_type_0 import AlarmRulePublicSeverityType0
from .alarm_rules_public import AlarmRulesPublic
from .alarms_comment_create import AlarmsCommentCreate
from .alarms_list_severity_type_0_item import AlarmsListSeverityType0Item
from .alarms_list_state_type_0_item import AlarmsListStateType0Item
from .alarms_public import AlarmsPublic
from .allocation_create import AllocationCreate
from .allocation_in import AllocationIn
from .allocation_public import AllocationPublic
from .allocations_public import AllocationsPublic
from .analytics_devices_status_type_0 import AnalyticsDevicesStatusType0
from .api_key_create import ApiKeyCreate
from .api_key_created import ApiKeyCreated
from .api_key_public import ApiKeyPublic
from .api_keys_public import ApiKeysPublic
from .arpu_report import ArpuReport
from .audit_event_public import AuditEventPublic
from .audit_event_public_detail import AuditEventPublicDetail
from .audit_events_public import AuditEventsPublic
from .auth_jwks_response_auth_jwks import AuthJwksResponseAuthJwks
from .availability import Availability
from .availability_report import AvailabilityReport
from .billing_profile_body import BillingProfileBody
from .billing_profile_public import BillingProfilePublic
from .billing_run import BillingRun
from .broker_access import BrokerAccess
from .candidate_public import CandidatePublic
from .churn_report import ChurnReport
from .comment_public import CommentPublic
from .config_diff import ConfigDiff
from .config_error import ConfigError
from .config_version_public import ConfigVersionPublic
from .config_versions_public import ConfigVersionsPublic
from .credential_kind import CredentialKind
from .credential_public import CredentialPublic
from .credential_put import CredentialPut
from .credential_set_create import CredentialSetCreate
from .credential_set_create_auth_proto_type_0 import CredentialSetCreateAuthProtoType0
from .credential_set_create_priv_proto_type_0 import CredentialSetCreatePrivProtoType0
from .credential_set_public import CredentialSetPublic
from .credential_set_update import CredentialSetUpdate
from .credential_set_update_auth_proto_type_0 import CredentialSetUpdateAuthProtoType0
from .credential_set_update_priv_proto_type_0 import CredentialSetUpdatePrivProtoType0
from .credential_sets_public import CredentialSetsPublic
from .credit_note_create import CreditNoteCreate
from .currency_aging import CurrencyAging
from .currency_arpu import CurrencyArpu
from .currency_churn import CurrencyChurn
from .currency_mrr import CurrencyMrr
from .currency_totals import CurrencyTotals
from .customer_create import CustomerCreate
from .customer_create_contacts_item import CustomerCreateContactsItem
from .customer_public import CustomerPublic
from .customer_public_contacts_item import CustomerPublicContactsItem
from .customer_update import CustomerUpdate
from .customer_update_contacts_type_0_item import CustomerUpdateContactsType0Item
from .delivery_public import DeliveryPublic
from .delivery_public_status import DeliveryPublicStatus
from .device_create import DeviceCreate
from .device_create_profile import DeviceCreateProfile
from .device_event_public import DeviceEventPublic
from .device_event_public_labels import DeviceEventPublicLabels
from .device_event_public_severity import DeviceEventPublicSeverity
from .device_events_list_origin_type_0 import DeviceEventsListOriginType0
from .device_events_list_severity_type_0 import DeviceEventsListSeverityType0
from .device_events_public import DeviceEventsPublic
from .device_observed_public import DeviceObservedPublic
from .device_public import DevicePublic
from .device_update import DeviceUpdate
from .devices_public import DevicesPublic
from .disconnect_request import DisconnectRequest
from .discoveries_public import DiscoveriesPublic
from .discovery_create import DiscoveryCreate
from .discovery_detail import DiscoveryDetail
from .discovery_public import DiscoveryPublic
from .dunning_customer import DunningCustomer
from .dunning_customer_step import DunningCustomerStep
from .dunning_policy_body import DunningPolicyBody
from .dunning_policy_body_mode import DunningPolicyBodyMode
from .dunning_run import DunningRun
from .dunning_run_result import DunningRunResult
from .dunning_run_result_steps_item import DunningRunResultStepsItem
from .endpoint_create import EndpointCreate
from .endpoint_create_signature_scheme import EndpointCreateSignatureScheme
from .endpoint_public import EndpointPublic
from .endpoint_public_signature_scheme import EndpointPublicSignatureScheme
from .endpoint_update import EndpointUpdate
from .endpoint_update_signature_scheme_type_0 import EndpointUpdateSignatureSchemeType0
from .endpoint_with_secret import EndpointWithSecret
from .endpoint_with_secret_signature_scheme import EndpointWithSecretSignatureScheme
from .enroll_granted import EnrollGranted
from .enroll_request import EnrollRequest
from .enrollment_token_create import EnrollmentTokenCreate
from .enrollment_token_created import EnrollmentTokenCreated
from .health_live_response_health_live import HealthLiveResponseHealthLive
from .history_entry_public import HistoryEntryPublic
from .history_entry_public_details import HistoryEntryPublicDetails
from .impact_public import ImpactPublic
from .import_public import ImportPublic
from .import_report import ImportReport
from .interface_utilisation import InterfaceUtilisation
from .invoice_public import InvoicePublic
from .job_create import JobCreate
from .job_create_params import JobCreateParams
from .job_detail import JobDetail
from .job_detail_params import JobDetailParams
from .job_public import JobPublic
from .job_public_params import JobPublicParams
from .job_transition_public import JobTransitionPublic
from .jobs_public import JobsPublic
from .ledger_line import LedgerLine
from .ledger_public import LedgerPublic
from .line_public import LinePublic
from .login_request import LoginRequest
from .maintenance_window_create import MaintenanceWindowCreate
from .maintenance_window_public import MaintenanceWindowPublic
from .maintenance_window_update import MaintenanceWindowUpdate
from .maintenance_windows_public import MaintenanceWindowsPublic
from .mrr_report import MrrReport
from .nas_create import NasCreate
from .nas_create_vendor import NasCreateVendor
from .nas_public import NasPublic
from .nas_public_vendor import NasPublicVendor
from .nas_update import NasUpdate
from .nas_update_vendor_type_0 import NasUpdateVendorType0
from .nases_public import NasesPublic
from .notification_policies_public import NotificationPoliciesPublic
from .notification_policy_create import NotificationPolicyCreate
from .notification_policy_create_min_severity import NotificationPolicyCreateMinSeverity
from .notification_policy_public import NotificationPolicyPublic
from .notification_policy_public_min_severity import NotificationPolicyPublicMinSeverity
from .notification_policy_update import NotificationPolicyUpdate
from .notification_policy_update_min_severity_type_0 import NotificationPolicyUpdateMinSeverityType0
from .observed_device_public import ObservedDevicePublic
from .observed_devices_public import ObservedDevicesPublic
from .observed_interface_public import ObservedInterfacePublic
from .observed_public import ObservedPublic
from .observed_public_status import ObservedPublicStatus
from .page_customer_public import PageCustomerPublic
from .page_delivery_public import PageDeliveryPublic
from .page_dunning_customer import PageDunningCustomer
from .page_endpoint_public import PageEndpointPublic
from .page_invoice_public import PageInvoicePublic
from .page_payment_public import PagePaymentPublic
from .page_plan_public import PagePlanPublic
from .page_portal_subscription import PagePortalSubscription
from .page_run_public import PageRunPublic
from .page_schedule_public import PageSchedulePublic
from .page_session_public import PageSessionPublic
from .page_subscription_public import PageSubscriptionPublic
from .page_tax_rate_public import PageTaxRatePublic
from .page_ticket_public import PageTicketPublic
from .payment_create import PaymentCreate
from .payment_import import PaymentImport
from .payment_public import PaymentPublic
from .percentile_95_public import Percentile95Public
from .period import Period
from .plan_create import PlanCreate
from .plan_create_cap_action_type_0 import PlanCreateCapActionType0
from .plan_create_period import PlanCreatePeriod
from .plan_create_radius_suspended_action_type_0 import PlanCreateRadiusSuspendedActionType0
from .plan_create_usage_kind import PlanCreateUsageKind
from .plan_create_usage_source import PlanCreateUsageSource
from .plan_move import PlanMove
from .plan_move_result import PlanMoveResult
from .plan_move_result_refused_item import PlanMoveResultRefusedItem
from .plan_mrr import PlanMrr
from .plan_public import PlanPublic
from .plan_public_cap_action import PlanPublicCapAction
from .plan_public_period import PlanPublicPeriod
from .plan_public_radius_suspended_action_type_0 import PlanPublicRadiusSuspendedActionType0
from .plan_public_usage_kind import PlanPublicUsageKind
from .plan_public_usage_source import PlanPublicUsageSource
from .plan_revenue import PlanRevenue
from .plan_update import PlanUpdate
from .plan_version_create import PlanVersionCreate
from .pool_create import PoolCreate
from .pool_create_kind import PoolCreateKind
from .pool_public import PoolPublic
from .pool_public_kind import PoolPublicKind
from .pool_update import PoolUpdate
from .pools_public import PoolsPublic
from .portal_subscription import PortalSubscription
from .prefix_create import PrefixCreate
from .prefix_public import PrefixPublic
from .prefix_update import PrefixUpdate
from .prefixes_public import PrefixesPublic
from .principal_public import PrincipalPublic
from .principal_public_kind import PrincipalPublicKind
from .problem import Problem
from .problem_errors_type_0_item import ProblemErrorsType0Item
from .profile_public import ProfilePublic
from .profile_public_contacts_item import ProfilePublicContactsItem
from .profile_update import ProfileUpdate
from .profile_update_contacts_type_0_item import ProfileUpdateContactsType0Item
from .radius_action_event_public import RadiusActionEventPublic
from .radius_action_public import RadiusActionPublic
from .radius_action_public_attributes import RadiusActionPublicAttributes
from .refresh_request import RefreshRequest
from .refund_create import RefundCreate
from .reseller_totals import ResellerTotals
from .resellers_totals import ResellersTotals
from .reservation_create import ReservationCreate
from .revenue_report import RevenueReport
from .role import Role
from .root_alarm_public import RootAlarmPublic
from .root_alarm_public_severity import RootAlarmPublicSeverity
from .root_alarm_public_state import RootAlarmPublicState
from .row_error import RowError
from .rule_override_public import RuleOverridePublic
from .rule_override_public_params import RuleOverridePublicParams
from .rule_override_public_severity_type_0 import RuleOverridePublicSeverityType0
from .run_public import RunPublic
from .run_result import RunResult
from .schedule_public import SchedulePublic
from .schedule_public_params import SchedulePublicParams
from .schedule_update import ScheduleUpdate
from .schedule_update_params_type_0 import ScheduleUpdateParamsType0
from .session_detail import SessionDetail
from .session_public import SessionPublic
from .shelve_request import ShelveRequest
from .site_create import SiteCreate
from .site_public import SitePublic
from .site_update import SiteUpdate
from .sites_public import SitesPublic
from .subscriber_addresses_public import SubscriberAddressesPublic
from .subscription_create import SubscriptionCreate
from .subscription_public import SubscriptionPublic
from .support_comment_create import SupportCommentCreate
from .tax_rate_create import TaxRateCreate
from .tax_rate_public import TaxRatePublic
from .tax_rate_update import TaxRateUpdate
from .telemetry import Telemetry
from .tenant_create import TenantCreate
from .tenant_create_kind_type_0 import TenantCreateKindType0
from .tenant_created import TenantCreated
from .tenant_kind import TenantKind
from .tenant_owner import TenantOwner
from .tenant_public import TenantPublic
from .tenant_update import TenantUpdate
from .tenants_public import TenantsPublic
from .ticket_create import TicketCreate
from .ticket_create_priority import TicketCreatePriority
from .ticket_public import TicketPublic
from .ticket_update import TicketUpdate
from .ticket_update_priority_type_0 import TicketUpdatePriorityType0
from .ticket_update_status_type_0 import TicketUpdateStatusType0
from .token_pair import TokenPair
from .top_interfaces import TopInterfaces
from .traffic_point import TrafficPoint
from .traffic_series import TrafficSeries
from .transition import Transition
from .transition_action import TransitionAction
from .transition_mode import TransitionMode
from .usage_cap_report import UsageCapReport
from .usage_cap_run import UsageCapRun
from .usage_day import UsageDay
from .usage_public import UsagePublic
from .user_create import UserCreate
from .user_public import UserPublic
from .user_sites import UserSites
from .user_sites_public import UserSitesPublic
from .user_update import UserUpdate
from .users_public import UsersPublic
from .utilization import Utilization
from .utilization_public import UtilizationPublic
from .vlan_allocation_create import VlanAllocationCreate
from .vlan_allocation_public import VlanAllocationPublic
from .vlan_allocations_public import VlanAllocationsPublic
from .vlan_pool_create import VlanPoolCreate
from .vlan_pool_create_kind import VlanPoolCreateKind
from .vlan_pool_public import VlanPoolPublic
from .vlan_pool_public_kind import VlanPoolPublicKind
from .vlan_pool_update import VlanPoolUpdate
from .vlan_pools_public import VlanPoolsPublic

__all__ = (
    "AdoptCandidate",
    "AdoptedDevice",
    "AdoptRequest",
    "AdoptResult",
    "AgentConfigPublic",
    "AgentConfigsPublic",
    "AgentCreate",
    "AgentHealthPublic",
    "AgentPublic",
    "AgentsHealth",
    "AgentsPublic",
    "AgentStatus",
    "AgentUpdate",
    "AgingBucket",
    "AgingBucketBucket",
    "AgingReport",
    "AlarmDetail",
    "AlarmDetailDetails",
    "AlarmDetailSeverity",
    "AlarmDetailState",
    "AlarmNote",
    "AlarmPublic",
    "AlarmPublicSeverity",
    "AlarmPublicState",
    "AlarmRuleOverride",
    "AlarmRuleOverrideParams",
    "AlarmRuleOverrideSeverityType0",
    "AlarmRulePublic",
    "AlarmRulePublicDefaults",
    "AlarmRulePublicParams",
    "AlarmRulePublicSeverityType0",
    "AlarmRulesPublic",
    "AlarmsCommentCreate",
    "AlarmsListSeverityType0Item",
    "AlarmsListStateType0Item",
    "AlarmsPublic",
    "AllocationCreate",
    "AllocationIn",
    "AllocationPublic",
    "AllocationsPublic",
    "AnalyticsDevicesStatusType0",
    "ApiKeyCreate",
    "ApiKeyCreated",
    "ApiKeyPublic",
    "ApiKeysPublic",
    "ArpuReport",
    "AuditEventPublic",
    "AuditEventPublicDetail",
    "AuditEventsPublic",
    "AuthJwksResponseAuthJwks",
    "Availability",
    "AvailabilityReport",
    "BillingProfileBody",
    "BillingProfilePublic",
    "BillingRun",
    "BrokerAccess",
    "CandidatePublic",
    "ChurnReport",
    "CommentPublic",
    "ConfigDiff",
    "ConfigError",
    "ConfigVersionPublic",
    "ConfigVersionsPublic",
    "CredentialKind",
    "CredentialPublic",
    "CredentialPut",
    "CredentialSetCreate",
    "CredentialSetCreateAuthProtoType0",
    "CredentialSetCreatePrivProtoType0",
    "CredentialSetPublic",
    "CredentialSetsPublic",
    "CredentialSetUpdate",
    "CredentialSetUpdateAuthProtoType0",
    "CredentialSetUpdatePrivProtoType0",
    "CreditNoteCreate",
    "CurrencyAging",
    "CurrencyArpu",
    "CurrencyChurn",
    "CurrencyMrr",
    "CurrencyTotals",
    "CustomerCreate",
    "CustomerCreateContactsItem",
    "CustomerPublic",
    "CustomerPublicContactsItem",
    "CustomerUpdate",
    "CustomerUpdateContactsType0Item",
    "DeliveryPublic",
    "DeliveryPublicStatus",
    "DeviceCreate",
    "DeviceCreateProfile",
    "DeviceEventPublic",
    "DeviceEventPublicLabels",
    "DeviceEventPublicSeverity",
    "DeviceEventsListOriginType0",
    "DeviceEventsListSeverityType0",
    "DeviceEventsPublic",
    "DeviceObservedPublic",
    "DevicePublic",
    "DevicesPublic",
    "DeviceUpdate",
    "DisconnectRequest",
    "DiscoveriesPublic",
    "DiscoveryCreate",
    "DiscoveryDetail",
    "DiscoveryPublic",
    "DunningCustomer",
    "DunningCustomerStep",
    "DunningPolicyBody",
    "DunningPolicyBodyMode",
    "DunningRun",
    "DunningRunResult",
    "DunningRunResultStepsItem",
    "EndpointCreate",
    "EndpointCreateSignatureScheme",
    "EndpointPublic",
    "EndpointPublicSignatureScheme",
    "EndpointUpdate",
    "EndpointUpdateSignatureSchemeType0",
    "EndpointWithSecret",
    "EndpointWithSecretSignatureScheme",
    "EnrollGranted",
    "EnrollmentTokenCreate",
    "EnrollmentTokenCreated",
    "EnrollRequest",
    "HealthLiveResponseHealthLive",
    "HistoryEntryPublic",
    "HistoryEntryPublicDetails",
    "ImpactPublic",
    "ImportPublic",
    "ImportReport",
    "InterfaceUtilisation",
    "InvoicePublic",
    "JobCreate",
    "JobCreateParams",
    "JobDetail",
    "JobDetailParams",
    "JobPublic",
    "JobPublicParams",
    "JobsPublic",
    "JobTransitionPublic",
    "LedgerLine",
    "LedgerPublic",
    "LinePublic",
    "LoginRequest",
    "MaintenanceWindowCreate",
    "MaintenanceWindowPublic",
    "MaintenanceWindowsPublic",
    "MaintenanceWindowUpdate",
    "MrrReport",
    "NasCreate",
    "NasCreateVendor",
    "NasesPublic",
    "NasPublic",
    "NasPublicVendor",
    "NasUpdate",
    "NasUpdateVendorType0",
    "NotificationPoliciesPublic",
    "NotificationPolicyCreate",
    "NotificationPolicyCreateMinSeverity",
    "NotificationPolicyPublic",
    "NotificationPolicyPublicMinSeverity",
    "NotificationPolicyUpdate",
    "NotificationPolicyUpdateMinSeverityType0",
    "ObservedDevicePublic",
    "ObservedDevicesPublic",
    "ObservedInterfacePublic",
    "ObservedPublic",
    "ObservedPublicStatus",
    "PageCustomerPublic",
    "PageDeliveryPublic",
    "PageDunningCustomer",
    "PageEndpointPublic",
    "PageInvoicePublic",
    "PagePaymentPublic",
    "PagePlanPublic",
    "PagePortalSubscription",
    "PageRunPublic",
    "PageSchedulePublic",
    "PageSessionPublic",
    "PageSubscriptionPublic",
    "PageTaxRatePublic",
    "PageTicketPublic",
    "PaymentCreate",
    "PaymentImport",
    "PaymentPublic",
    "Percentile95Public",
    "Period",
    "PlanCreate",
    "PlanCreateCapActionType0",
    "PlanCreatePeriod",
    "PlanCreateRadiusSuspendedActionType0",
    "PlanCreateUsageKind",
    "PlanCreateUsageSource",
    "PlanMove",
    "PlanMoveResult",
    "PlanMoveResultRefusedItem",
    "PlanMrr",
    "PlanPublic",
    "PlanPublicCapAction",
    "PlanPublicPeriod",
    "PlanPublicRadiusSuspendedActionType0",
    "PlanPublicUsageKind",
    "PlanPublicUsageSource",
    "PlanRevenue",
    "PlanUpdate",
    "PlanVersionCreate",
    "PoolCreate",
    "PoolCreateKind",
    "PoolPublic",
    "PoolPublicKind",
    "PoolsPublic",
    "PoolUpdate",
    "PortalSubscription",
    "PrefixCreate",
    "PrefixesPublic",
    "PrefixPublic",
    "PrefixUpdate",
    "PrincipalPublic",
    "PrincipalPublicKind",
    "Problem",
    "ProblemErrorsType0Item",
    "ProfilePublic",
    "ProfilePublicContactsItem",
    "ProfileUpdate",
    "ProfileUpdateContactsType0Item",
    "RadiusActionEventPublic",
    "RadiusActionPublic",
    "RadiusActionPublicAttributes",
    "RefreshRequest",
    "RefundCreate",
    "ResellersTotals",
    "ResellerTotals",
    "ReservationCreate",
    "RevenueReport",
    "Role",
    "RootAlarmPublic",
    "RootAlarmPublicSeverity",
    "RootAlarmPublicState",
    "RowError",
    "RuleOverridePublic",
    "RuleOverridePublicParams",
    "RuleOverridePublicSeverityType0",
    "RunPublic",
    "RunResult",
    "SchedulePublic",
    "SchedulePublicParams",
    "ScheduleUpdate",
    "ScheduleUpdateParamsType0",
    "SessionDetail",
    "SessionPublic",
    "ShelveRequest",
    "SiteCreate",
    "SitePublic",
    "SitesPublic",
    "SiteUpdate",
    "SubscriberAddressesPublic",
    "SubscriptionCreate",
    "SubscriptionPublic",
    "SupportCommentCreate",
    "TaxRateCreate",
    "TaxRatePublic",
    "TaxRateUpdate",
    "Telemetry",
    "TenantCreate",
    "TenantCreated",
    "TenantCreateKindType0",
    "TenantKind",
    "TenantOwner",
    "TenantPublic",
    "TenantsPublic",
    "TenantUpdate",
    "TicketCreate",
    "TicketCreatePriority",
    "TicketPublic",
    "TicketUpdate",
    "TicketUpdatePriorityType0",
    "TicketUpdateStatusType0",
    "TokenPair",
    "TopInterfaces",
    "TrafficPoint",
    "TrafficSeries",
    "Transition",
    "TransitionAction",
    "TransitionMode",
    "UsageCapReport",
    "UsageCapRun",
    "UsageDay",
    "UsagePublic",
    "UserCreate",
    "UserPublic",
    "UserSites",
    "UserSitesPublic",
    "UsersPublic",
    "UserUpdate",
    "Utilization",
    "UtilizationPublic",
    "VlanAllocationCreate",
    "VlanAllocationPublic",
    "VlanAllocationsPublic",
    "VlanPoolCreate",
    "VlanPoolCreateKind",
    "VlanPoolPublic",
    "VlanPoolPublicKind",
    "VlanPoolsPublic",
    "VlanPoolUpdate",
)
