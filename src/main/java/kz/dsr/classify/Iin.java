package kz.dsr.classify;

/**
 * Kazakhstan IIN (individual identification number): 12 digits, the last a check digit.
 * Check digit = Σ dᵢ·i (i = 1..11) mod 11; when that is 10, the weights 3..11, 1, 2 are used
 * instead; when it is 10 again, the number is not valid.
 */
final class Iin {

    private static final int[] FIRST = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    private static final int[] SECOND = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};

    private Iin() {
    }

    static boolean isValid(String s) {
        if (s == null || s.length() != 12) {
            return false;
        }
        int[] d = new int[12];
        for (int i = 0; i < 12; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            d[i] = c - '0';
        }
        int check = weighted(d, FIRST);
        if (check == 10) {
            check = weighted(d, SECOND);
            if (check == 10) {
                return false;
            }
        }
        return check == d[11];
    }

    private static int weighted(int[] d, int[] w) {
        int sum = 0;
        for (int i = 0; i < 11; i++) {
            sum += d[i] * w[i];
        }
        return sum % 11;
    }
}
