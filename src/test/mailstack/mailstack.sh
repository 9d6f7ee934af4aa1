#!/usr/bin/env bash
# The real-server tests' copy of the project's shared mail stack script (two more mailboxes).
# A real mail stack on loopback for end-to-end checks: Postfix (SMTP 127.0.0.1:10025) delivering over
# LMTP to Dovecot (IMAP 127.0.0.1:10143, IMAPS 10993). Users (password "secret"): support@dsr.test,
# sink@dsr.test (every mail to any other address lands here), ops@dsr.test, and cli@ and bench@dsr.test
# (second and third support mailboxes: the command-line test and the benchmark poll their own).
# Internationalised recipients (айгерим@пример.қаз): Dovecot 2.3's LMTP does not offer SMTPUTF8, so Postfix
# would bounce such mail ("SMTPUTF8 is required, but was not offered"); mail to a non-ASCII address is
# therefore delivered into sink@'s Maildir by Postfix's own virtual(8) agent instead (same INBOX).
# usage: mailstack.sh start|stop|status   (state under /tmp/dsr-mail; start on a running stack reloads it)
set -eu
R=/tmp/dsr-mail
case "${1:-start}" in
stop)
  # Postfix first: no mail is taken in for a Dovecot that is already gone.
  [ -d $R/postfix ] && postfix -c $R/postfix stop 2>/dev/null || true
  [ -f $R/dovecot.conf ] && doveadm -c $R/dovecot.conf stop 2>/dev/null || true
  exit 0;;
status)
  ss -ltn | grep -E ':(10025|10143|10993|10024) ' || true; exit 0;;
esac
command -v dovecot >/dev/null && [ -x /usr/lib/dovecot/lmtp ] && command -v postfix >/dev/null && command -v swaks >/dev/null || {
  export DEBIAN_FRONTEND=noninteractive
  echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
  echo "postfix postfix/mailname string dsr.test" | debconf-set-selections
  apt-get update -qq >/dev/null 2>&1; apt-get install -y -q dovecot-imapd dovecot-lmtpd postfix swaks >/dev/null 2>&1
}
mkdir -p $R/mail $R/run $R/postfix $R/spool
chown -R mail:mail $R/mail
pass=$(doveadm pw -s SHA512-CRYPT -p secret)
: > $R/users
for u in support sink ops cli bench; do echo "$u@dsr.test:$pass:8:8::$R/mail/$u" >> $R/users; done
[ -f $R/cert.pem ] || openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost \
  -keyout $R/key.pem -out $R/cert.pem 2>/dev/null
cat > $R/dovecot.conf <<CONF
base_dir = $R/run
protocols = imap lmtp
listen = 127.0.0.1
log_path = $R/dovecot.log
ssl = yes
ssl_cert = <$R/cert.pem
ssl_key = <$R/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
mail_uid = mail
mail_gid = mail
first_valid_uid = 8
passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT $R/users
}
userdb {
  driver = passwd-file
  args = $R/users
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = 10143
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = 10993
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = 10024
  }
}
namespace inbox {
  inbox = yes
  separator = /
}
CONF
dovecot -c $R/dovecot.conf </dev/null >/dev/null 2>&1 || doveadm -c $R/dovecot.conf reload 2>/dev/null || true
# Postfix: its own config directory, loopback only, everything to Dovecot over LMTP.
cp /etc/postfix/master.cf $R/postfix/master.cf
sed -i 's/^smtp      inet  n       -       y       -       -       smtpd/127.0.0.1:10025 inet n - n - - smtpd/' $R/postfix/master.cf
cat > $R/postfix/main.cf <<CONF
compatibility_level = 3.6
queue_directory = $R/spool
data_directory = $R/spool/data
mail_owner = postfix
myhostname = mx.dsr.test
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
virtual_mailbox_domains = regexp:$R/postfix/domains
virtual_alias_domains =
virtual_alias_maps = regexp:$R/postfix/aliases
virtual_transport = lmtp:inet:127.0.0.1:10024
transport_maps = regexp:$R/postfix/transport
virtual_mailbox_base = $R/mail
virtual_mailbox_maps = regexp:$R/postfix/mailboxes
virtual_minimum_uid = 8
virtual_mailbox_limit = 0
virtual_uid_maps = static:8
virtual_gid_maps = static:8
maillog_file = $R/postfix.log
maillog_file_prefixes = $R
message_size_limit = 52428800
smtputf8_enable = yes
CONF
echo '/.*/ OK' > $R/postfix/domains
cat > $R/postfix/aliases <<'CONF'
/^(support|sink|ops|cli|bench|sink-utf8)@dsr\.test$/ ${1}@dsr.test
/[^ -~]/ sink-utf8@dsr.test
/^(.*@discard\.test)$/ ${1}
/^.*$/ sink@dsr.test
CONF
# Mail to @discard.test leaves and is dropped, as replies leave for the Internet: the benchmark's
# acknowledgements must not land in the Dovecot the pipeline reads from.
printf '%s\n' '/^sink-utf8@dsr\.test$/ virtual:' '/@discard\.test$/ discard:' > $R/postfix/transport
echo '/^sink-utf8@dsr\.test$/ sink/Maildir/' > $R/postfix/mailboxes
mkdir -p $R/spool/data; chown -R postfix $R/spool/data
echo 4 > $R/version   # a caller may reload a running stack whose config version is older than this
postconf -e "alternate_config_directories = $R/postfix"
postfix -c $R/postfix status >/dev/null 2>&1 && postfix -c $R/postfix reload >/dev/null 2>&1 || postfix -c $R/postfix start
sleep 1
ss -ltn | grep -E ':(10025|10143|10993|10024) '
