package kz.dsr.processors;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Whether a processor's certificate may vouch for its signatures (§4.1: issued by a trusted CA to the
 * organisation that signs, never self-signed): it chains to a trusted CA (the JDK's trust store, or the
 * PEM file of CAs configured instead), it is valid now, it names the processor's allow-listed domain,
 * it is not self-signed, and it is a signing certificate (not a CA's). Only the JDK's own classes do the
 * cryptography: the PKIX validator checks the chain, the signatures and each certificate's dates.
 *
 * <p>Revocation (CRL, OCSP) is not checked: it would make every check depend on the CA's servers being
 * reachable from here. A revoked certificate is replaced by the processor; a shorter
 * {@code dsr.processors.discovery-hours} picks the replacement up sooner.
 */
public final class CertificateCheck {

    /** Why a certificate is refused, in words an operator can act on (no key material). */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    private final Set<TrustAnchor> anchors;
    private final String trustedBy;

    private CertificateCheck(Set<TrustAnchor> anchors, String trustedBy) {
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException(trustedBy + " holds no CA certificate");
        }
        this.anchors = anchors;
        this.trustedBy = trustedBy;
    }

    /** The CAs the JDK trusts (its cacerts). */
    public static CertificateCheck jdkTrustStore() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            Set<TrustAnchor> anchors = new HashSet<>();
            for (var tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate ca : x.getAcceptedIssuers()) {
                        anchors.add(new TrustAnchor(ca, null));
                    }
                }
            }
            return new CertificateCheck(anchors, "the JDK's trust store");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's trust store cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Only the CAs of a PEM file (one or more {@code -----BEGIN CERTIFICATE-----} blocks): the CAs that
     * issue the processors' certificates, when they are not public ones or when only those should count.
     */
    public static CertificateCheck pemFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                anchors.add(new TrustAnchor((X509Certificate) c, null));
            }
            return new CertificateCheck(anchors, "the trust store " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("the trust store " + file + " cannot be read: " + e.getMessage(), e);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("the trust store " + file + " is not a PEM file of CA certificates: "
                    + e.getMessage(), e);
        }
    }

    /** The certificates of a PEM (or DER) document, leaf first as the processor publishes them. */
    public static List<X509Certificate> parse(byte[] pem) throws Refused {
        try {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new java.io.ByteArrayInputStream(pem));
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : all) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new Refused("the document holds no certificate");
            }
            return out;
        } catch (CertificateException e) {
            throw new Refused("the document is not an X.509 certificate (PEM or DER): " + e.getMessage());
        }
    }

    /**
     * The chain's first certificate, when it may sign for {@code domain} at {@code at}.
     *
     * @param chain the processor's certificate first, then the intermediates it published (a root may follow)
     * @throws Refused the first reason it may not
     */
    public X509Certificate check(List<X509Certificate> chain, String domain, Instant at) throws Refused {
        X509Certificate leaf = chain.get(0);
        if (selfSigned(leaf)) {
            throw new Refused("it is self-signed (" + subject(leaf) + "): OpenDSR certificates must be issued by a"
                    + " trusted CA to the processor");
        }
        try {
            leaf.checkValidity(Date.from(at));
        } catch (CertificateExpiredException e) {
            throw new Refused("it expired on " + leaf.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw new Refused("it is not valid before " + leaf.getNotBefore().toInstant());
        }
        if (leaf.getBasicConstraints() >= 0) {
            throw new Refused("it is a CA certificate (" + subject(leaf) + "), not the processor's signing certificate");
        }
        boolean[] usage = leaf.getKeyUsage();
        if (usage != null && !usage[0]) {
            throw new Refused("its key usage does not include digitalSignature");
        }
        String algorithm = leaf.getPublicKey().getAlgorithm();
        if (!algorithm.equals("RSA") && !algorithm.equals("EC")) {
            throw new Refused("its key is " + algorithm + ", not RSA or ECDSA (FIPS 186-4)");
        }
        if (leaf.getPublicKey() instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
            throw new Refused("its RSA key has " + rsa.getModulus().bitLength() + " bits, fewer than 2048");
        }
        List<String> names = dnsNames(leaf);
        if (names.stream().noneMatch(n -> matches(n, domain))) {
            throw new Refused("it is issued for " + (names.isEmpty() ? "no domain (no DNS subjectAltName)"
                    : String.join(", ", names)) + ", not for the allow-listed domain " + domain);
        }
        List<X509Certificate> path = new ArrayList<>(chain);
        // A root the processor published along is the CA's claim, not our trust: the path ends below it.
        while (path.size() > 1 && selfSigned(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        try {
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(at));
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(path), params);
        } catch (CertPathValidatorException e) {
            throw new Refused("it does not chain to a CA of " + trustedBy + " (issued by " + issuer(leaf) + "): "
                    + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new Refused("its chain cannot be checked: " + e.getMessage());
        }
        return leaf;
    }

    private static boolean selfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
            return false;
        }
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static List<String> dnsNames(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = c.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String s) {
                        out.add(s.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateException e) {
            // unreadable names: it names no domain, which is refused below
        }
        return out;
    }

    /** A DNS name of a certificate against a domain: exact, or a wildcard for exactly one leftmost label. */
    static boolean matches(String name, String domain) {
        String n = name.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        String d = domain.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        if (n.startsWith("*.")) {
            int dot = d.indexOf('.');
            return dot > 0 && d.substring(dot + 1).equals(n.substring(2)) && n.substring(2).contains(".");
        }
        return n.equals(d);
    }

    private static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }

    private static String issuer(X509Certificate c) {
        return c.getIssuerX500Principal().getName();
    }
}
