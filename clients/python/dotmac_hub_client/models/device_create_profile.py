from enum import StrEnum


class DeviceCreateProfile(StrEnum):
    APC_POWERNET = "apc_powernet"
    ARISTA_EOS = "arista_eos"
    ARUBA = "aruba"
    AUTO = "auto"
    BDCOM = "bdcom"
    BROCADE_ICX = "brocade_icx"
    CISCO_IOS = "cisco_ios"
    CISCO_NXOS = "cisco_nxos"
    CISCO_WLC = "cisco_wlc"
    DCN = "dcn"
    DLINK_DES = "dlink_des"
    EATON_XUPS = "eaton_xups"
    FORTINET_FORTIGATE = "fortinet_fortigate"
    GENERIC = "generic"
    H3C_COMWARE = "h3c_comware"
    HPE_PROCURVE = "hpe_procurve"
    HUAWEI_POWER = "huawei_power"
    HUAWEI_VRP = "huawei_vrp"
    JUNIPER_JUNOS = "juniper_junos"
    JUNIPER_MX = "juniper_mx"
    LINUX = "linux"
    MAIPU = "maipu"
    MIKROTIK_ROUTEROS = "mikrotik_routeros"
    PALOALTO_PANOS = "paloalto_panos"
    RUCKUS_WIRELESS = "ruckus_wireless"
    RUIJIE = "ruijie"
    UBIQUITI_AIROS = "ubiquiti_airos"
    UBIQUITI_EDGEOS = "ubiquiti_edgeos"
    UPS_GENERIC = "ups_generic"
    VERTIV_POWER = "vertiv_power"
    VYATTA = "vyatta"
    ZTE_ZXR10 = "zte_zxr10"

    def __str__(self) -> str:
        return str(self.value)
